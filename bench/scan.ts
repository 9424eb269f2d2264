// Scan benchmark: a lab fleet of 4,096 hosts (ECDSA certificates, port 8443) in a separate
// process, scanned with the whole probe plan by this process; then nmap's http-title over the
// same target list for comparison. Prints hosts/s, client CPU ms per host, peak RSS, accuracy.
// Only loopback (127.90.0.0/20) is ever contacted.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { judgeObservation } from '../src/classify/judge.js';
import { loadRules } from '../src/fingerprint/index.js';
import { loadKnowledgeBase } from '../src/kb/index.js';
import { buildTargetSpace, loadBlocklist, loadProbePlan, parsePorts, parseTargetLines, runScan, type PortSpec } from '../src/probe/index.js';
import { ensureApt } from './peers.js';

const COUNT = Number(process.env.BENCH_SCAN_HOSTS ?? 4096);
const CONCURRENCY = Number(process.env.BENCH_SCAN_CONCURRENCY ?? 1000);
const BASE = '127.90.0.1';
const PORT = 8443;
const repo = fileURLToPath(new URL('../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'excensus-bench-scan-'));

function ipAt(i: number): string {
  const n = (127 << 24 >>> 0) + (90 << 16) + 1 + i;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

async function startLabProcess(): Promise<ChildProcess> {
  const truth = join(work, 'truth.jsonl');
  const child = spawn(process.execPath, ['--import', 'tsx', `${repo}src/cli/run.ts`, 'lab', '--count', String(COUNT), '--seed', '2026', '--base', BASE, '--port', String(PORT), '--mix', 'bench', '--truth', truth], {
    cwd: repo,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (/ready:/.test(err)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`lab exited with ${code}: ${err}`)));
  });
  return child;
}

/** CPU seconds (user + system) a process has used so far, from /proc; null where /proc is missing. */
function procCpuSeconds(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

function truthByIp(): Map<string, { status: string; build?: string }> {
  const m = new Map<string, { status: string; build?: string }>();
  for (const line of readFileSync(join(work, 'truth.jsonl'), 'utf8').split('\n').filter(Boolean)) {
    const t = JSON.parse(line) as { ip: string; expected: { status: string; build?: string } };
    m.set(t.ip, t.expected);
  }
  return m;
}

async function main(): Promise<void> {
  const lab = await startLabProcess();
  try {
    const targetsFile = join(work, 'targets.txt');
    writeFileSync(targetsFile, Array.from({ length: COUNT }, (_, i) => ipAt(i)).join('\n') + '\n');
    const plan = loadProbePlan();
    const ctx = { rules: loadRules(), kb: loadKnowledgeBase(), asOf: '2026-06-01' };
    const { specs } = parseTargetLines(readFileSync(targetsFile, 'utf8'), 'targets');
    const space = await buildTargetSpace(specs, parsePorts(String(PORT), plan.ports) as PortSpec[], { blocklist: loadBlocklist() });
    // Warm-up: JIT, TLS and the judge's memo tables on a few hosts, outside the measurement.
    const warm = await buildTargetSpace(specs.slice(0, 64), parsePorts(String(PORT), plan.ports) as PortSpec[], { blocklist: loadBlocklist() });
    const scanOpts = { probePlan: plan, judge: process.env.BENCH_SCAN_JUDGE === '0' ? (o: Parameters<typeof judgeObservation>[0]) => judgeObservation({ ...o, http: [], status: 'refused' }, ctx) : (o: Parameters<typeof judgeObservation>[0]) => judgeObservation(o, ctx), concurrency: CONCURRENCY, rate: 0, probeTimeoutMs: 5000, hostTimeoutMs: 15000, maxBodyBytes: 64 * 1024, maxHeaderBytes: 32 * 1024, maxRedirects: 3, userAgent: plan.userAgent };
    await runScan({ space: warm, seed: 1, shard: { index: 1, count: 1 } }, scanOpts, () => {});

    let requests = 0;
    const baseRss = process.memoryUsage().rss;
    let peakRss = baseRss;
    let atPeak = process.memoryUsage();
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      if (m.rss > peakRss) [peakRss, atPeak] = [m.rss, m];
    }, 25);
    const truth = truthByIp();
    let right = 0;
    const lab0 = procCpuSeconds(lab.pid);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const summary = await runScan({ space, seed: 7, shard: { index: 1, count: 1 } }, scanOpts, (r) => {
      requests += r.probes?.filter((p) => p.request.startsWith('GET')).length ?? 0;
      const t = truth.get(r.ip);
      if (t && t.status === r.status && (t.build === undefined || r.evidence.build?.startsWith(t.build))) right++;
    });
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    const lab1 = procCpuSeconds(lab.pid);
    clearInterval(sampler);
    const hostsPerS = (summary.probed / wallMs) * 1000;
    const cpuPerHost = (cpu.user + cpu.system) / 1000 / summary.probed;
    console.log(`excensus scan: ${summary.probed} hosts in ${(wallMs / 1000).toFixed(2)} s = ${hostsPerS.toFixed(0)} hosts/s (concurrency ${CONCURRENCY}, whole probe plan, ${(requests / summary.probed).toFixed(2)} requests/host)`);
    console.log(`  client CPU: ${cpuPerHost.toFixed(3)} ms/host (user ${(cpu.user / 1000).toFixed(0)} ms, system ${(cpu.system / 1000).toFixed(0)} ms)`);
    console.log(`  peak RSS: ${(peakRss / 1048576).toFixed(0)} MB (${(baseRss / 1048576).toFixed(0)} MB before the scan, with rules and knowledge base loaded)   statuses: ${JSON.stringify(summary.byStatus)}`);
    if (lab0 !== null && lab1 !== null) {
      console.log(`  lab server process meanwhile: ${(lab1 - lab0).toFixed(1)} s CPU (${(((lab1 - lab0) * 1000) / wallMs).toFixed(2)} cores); machine load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores`);
    }
    if (process.env.BENCH_SCAN_VERBOSE) console.log('  memory at peak:', Object.fromEntries(Object.entries(atPeak).map(([k, v]) => [k, `${(v / 1048576).toFixed(0)} MB`])));
    console.log(`  accuracy vs lab ground truth: ${right}/${summary.probed}`);

    if (process.env.BENCH_SCAN_NMAP === '0' || !ensureApt('nmap')) {
      console.log('nmap: not available; skipped the side-by-side run');
      return;
    }
    const n0 = performance.now();
    const res = spawnSync('nmap', ['-Pn', '-n', '-p', String(PORT), '--script', 'http-title', '-iL', targetsFile, '-oX', join(work, 'nmap.xml')], { stdio: 'ignore' });
    const nmapMs = performance.now() - n0;
    const nmapRate = (COUNT / nmapMs) * 1000;
    const xml = readFileSync(join(work, 'nmap.xml'), 'utf8');
    const titled = (xml.match(/id="http-title"/g) ?? []).length;
    console.log(`nmap -Pn -n -p ${PORT} --script http-title: exit ${res.status}, ${COUNT} hosts in ${(nmapMs / 1000).toFixed(2)} s = ${nmapRate.toFixed(0)} hosts/s (${titled} titles)`);
    console.log(`ratio: excensus ${(hostsPerS / nmapRate).toFixed(2)}x nmap's rate`);
    console.log('targets (2 cores): >= 700 hosts/s, <= 1.5 ms CPU/host, >= 1.6x nmap, peak RSS < 200 MB');
  } finally {
    lab.kill('SIGTERM');
  }
}

await main();
