// The measured side of bench/scan.ts: scans the lab fleet with the whole probe plan and the real
// judge, and prints one JSON line of metrics (wall time, this process's CPU, peak RSS, accuracy).
// bench/scan.ts runs it compiled (as the CLI ships) in its own process.
import { readFileSync } from 'node:fs';
import { judgeObservation } from '../src/classify/judge.js';
import type { Observation } from '../src/core/observation.js';
import { loadRules } from '../src/fingerprint/index.js';
import { loadKnowledgeBase } from '../src/kb/index.js';
import { buildTargetSpace, loadBlocklist, loadProbePlan, parsePorts, parseTargetLines, runScan, type PortSpec, type ScanOptions } from '../src/probe/index.js';

interface Args {
  targetsFile: string;
  truthFile: string;
  port: number;
  concurrency: number;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as Args;
  const plan = loadProbePlan();
  const ctx = { rules: loadRules(), kb: loadKnowledgeBase(), asOf: '2026-06-01' };
  const ports = parsePorts(String(args.port), plan.ports) as PortSpec[];
  const { specs } = parseTargetLines(readFileSync(args.targetsFile, 'utf8'), 'targets');
  const space = await buildTargetSpace(specs, ports, { blocklist: loadBlocklist() });
  const opts: ScanOptions = {
    probePlan: plan,
    judge: (o: Observation) => judgeObservation(o, ctx),
    concurrency: args.concurrency,
    rate: 0,
    probeTimeoutMs: 5000,
    hostTimeoutMs: 15000,
    maxBodyBytes: 64 * 1024,
    maxHeaderBytes: 32 * 1024,
    maxRedirects: 3,
    userAgent: plan.userAgent,
  };
  // Warm-up on a few hosts (JIT, judge memo tables), outside the measurement.
  const warm = await buildTargetSpace(specs.slice(0, 64), ports, { blocklist: loadBlocklist() });
  await runScan({ space: warm, seed: 1, shard: { index: 1, count: 1 } }, opts, () => {});

  const truth = new Map<string, { status: string; build?: string }>();
  for (const line of readFileSync(args.truthFile, 'utf8').split('\n').filter(Boolean)) {
    const t = JSON.parse(line) as { ip: string; expected: { status: string; build?: string } };
    truth.set(t.ip, t.expected);
  }
  const baseRss = process.memoryUsage().rss;
  let peakRss = baseRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  let requests = 0;
  let right = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const summary = await runScan({ space, seed: 7, shard: { index: 1, count: 1 } }, opts, (r) => {
    requests += r.probes?.filter((p) => p.request.startsWith('GET')).length ?? 0;
    const t = truth.get(r.ip);
    if (t && t.status === r.status && (t.build === undefined || r.evidence.build?.startsWith(t.build))) right++;
  });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  process.stdout.write(
    JSON.stringify({ probed: summary.probed, wallMs, cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000, baseRss, peakRss, requests, right, byStatus: summary.byStatus }) + '\n',
  );
}

await main();
