// Scan benchmark. A lab fleet of 4,096 hosts (ECDSA certificates, port 8443) runs in one process;
// the real `excensus scan` (compiled with tsc as the CLI ships, no tsx loader, --no-store so the
// store stays out of it and no file lands in the repo) runs in another, several times; then nmap's
// http-title runs over the same target list. Only 127.90.0.0/20 is contacted.
// Env: BENCH_SCAN_HOSTS (4096), BENCH_SCAN_CONCURRENCY (1000), BENCH_SCAN_RUNS (3), BENCH_SCAN_NMAP=0 skips nmap.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { commandV8Flags } from '../bin/v8-flags.js';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureApt } from './peers.js';

const COUNT = Number(process.env.BENCH_SCAN_HOSTS ?? 4096);
const CONCURRENCY = Number(process.env.BENCH_SCAN_CONCURRENCY ?? 1000);
const RUNS = Math.max(1, Number(process.env.BENCH_SCAN_RUNS ?? 3));
const BASE = '127.90.0.1';
const PORT = 8443;
const repo = fileURLToPath(new URL('../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'excensus-bench-scan-'));

function ipAt(i: number): string {
  const n = ((127 << 24) >>> 0) + (90 << 16) + 1 + i;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function load1(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '?';
}

async function startLabProcess(truth: string): Promise<ChildProcess> {
  const args = [
    '--import',
    'tsx',
    `${repo}src/cli/run.ts`,
    'lab',
    '--count',
    String(COUNT),
    '--seed',
    '2026',
    '--base',
    BASE,
    '--port',
    String(PORT),
    '--mix',
    'bench',
    '--truth',
    truth,
  ];
  const child = spawn(process.execPath, args, { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
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

/** Compiles the CLI (through bench/scan-client.ts) with tsc into the temp dir; returns its entry. */
function compileClient(): string {
  const out = join(work, 'js');
  const tsc = spawnSync(
    process.execPath,
    [
      `${repo}node_modules/typescript/bin/tsc`,
      '--outDir',
      out,
      '--rootDir',
      repo,
      '--module',
      'NodeNext',
      '--moduleResolution',
      'NodeNext',
      '--target',
      'ES2022',
      '--skipLibCheck',
      '--types',
      'node',
      '--resolveJsonModule',
      '--esModuleInterop',
      `${repo}bench/scan-client.ts`,
    ],
    { encoding: 'utf8' },
  );
  const entry = join(out, 'bench', 'scan-client.js');
  if (!existsSync(entry)) throw new Error(`bench: tsc did not emit the client: ${tsc.stdout.slice(0, 500)}`);
  // data/ and node_modules/ are found by walking up from the compiled files.
  symlinkSync(join(repo, 'data'), join(out, 'data'));
  symlinkSync(join(repo, 'node_modules'), join(out, 'node_modules'));
  copyFileSync(join(repo, 'package.json'), join(out, 'package.json'));
  return entry;
}

function procCpuSeconds(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

interface Usage {
  code: number;
  wallMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  peakRss: number;
}

interface Run {
  usage: Usage;
  /** runScan's own elapsed time, from the CLI's summary line (startup and loading excluded). */
  scanS: number;
  probed: number;
  stderr: string;
}

function runCli(entry: string, args: string[]): Run {
  const res = spawnSync(
    process.execPath,
    [
      ...(commandV8Flags.scan ?? []),
      entry,
      'scan',
      ...args,
      '-p',
      String(PORT),
      '--no-store',
      '--rate',
      '0',
      '--seed',
      '7',
      '--as-of',
      '2026-06-01',
    ],
    { cwd: work, encoding: 'utf8' },
  );
  const bench = /\nBENCH (\{.*\})/.exec(res.stderr);
  const summary = /: (\d+) probed in ([\d.]+) s/.exec(res.stderr);
  if (res.status !== 0 || !bench || !summary)
    throw new Error(`excensus scan failed (${res.status}): ${res.stderr.slice(0, 2000)}`);
  return {
    usage: JSON.parse(bench[1] as string) as Usage,
    probed: Number(summary[1]),
    scanS: Number(summary[2]),
    stderr: res.stderr,
  };
}

interface Truth {
  status: string;
  build?: string;
}

/** Scores the JSON Lines output against the lab's ground truth; also counts the GET requests sent. */
function score(
  outFile: string,
  truth: Map<string, Truth>,
): { right: number; requests: number; byStatus: Record<string, number> } {
  let right = 0;
  let requests = 0;
  const byStatus: Record<string, number> = {};
  for (const line of readFileSync(outFile, 'utf8').split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as {
      ip: string;
      status: string;
      build: string | null;
      probes?: Array<{ request: string }>;
    };
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    requests += r.probes?.filter((p) => p.request.startsWith('GET')).length ?? 0;
    const t = truth.get(r.ip);
    if (t && t.status === r.status && (t.build === undefined || (r.build ?? '').startsWith(t.build))) right++;
  }
  return { right, requests, byStatus };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const mb = (b: number): string => `${(b / 1048576).toFixed(0)} MB`;

async function main(): Promise<void> {
  const truthFile = join(work, 'truth.jsonl');
  const targetsFile = join(work, 'targets.txt');
  writeFileSync(targetsFile, Array.from({ length: COUNT }, (_, i) => ipAt(i)).join('\n') + '\n');
  const entry = compileClient();
  const lab = await startLabProcess(truthFile);
  try {
    const truth = new Map<string, Truth>();
    for (const line of readFileSync(truthFile, 'utf8').split('\n').filter(Boolean)) {
      const t = JSON.parse(line) as { ip: string; expected: Truth };
      truth.set(t.ip, t.expected);
    }
    // Fixed cost of one invocation (start, rules, knowledge base, geo): one refused address.
    const fixed = runCli(entry, [ipAt(COUNT), '--json', '-o', join(work, 'one.jsonl')]);
    const fixedCpu = fixed.usage.cpuUserMs + fixed.usage.cpuSystemMs;
    console.log(
      `excensus scan, compiled JS, ${COUNT} lab hosts, concurrency ${CONCURRENCY}, --rate 0, --json to a file, --no-store; ${cpus().length} cores`,
    );
    console.log(
      `  one-host run (start-up, rules, knowledge base, geo): ${fixedCpu.toFixed(0)} ms CPU, peak RSS ${mb(fixed.usage.peakRss)}`,
    );
    const rates: number[] = [];
    const cpus1: number[] = [];
    const rss: number[] = [];
    for (let i = 1; i <= RUNS; i++) {
      const load = load1();
      const lab0 = procCpuSeconds(lab.pid);
      const out = join(work, 'scan.jsonl');
      const r = runCli(entry, ['-l', targetsFile, '--json', '-o', out, '--concurrency', String(CONCURRENCY)]);
      const lab1 = procCpuSeconds(lab.pid);
      const s = score(out, truth);
      const cpu = r.usage.cpuUserMs + r.usage.cpuSystemMs;
      const rate = r.probed / r.scanS;
      const perHost = (cpu - fixedCpu) / r.probed;
      rates.push(rate);
      cpus1.push(perHost);
      rss.push(r.usage.peakRss);
      const labMs =
        lab0 !== null && lab1 !== null
          ? `, lab ${(((lab1 - lab0) * 1000) / r.probed).toFixed(2)} ms CPU/host`
          : '';
      console.log(
        `  run ${i} (load ${load}): ${r.probed} hosts in ${r.scanS.toFixed(1)} s = ${rate.toFixed(0)} hosts/s; CPU ${perHost.toFixed(3)} ms/host beyond start-up ` +
          `(${(cpu / r.probed).toFixed(3)} with it; user ${r.usage.cpuUserMs.toFixed(0)} ms, system ${r.usage.cpuSystemMs.toFixed(0)} ms)${labMs}; ` +
          `peak RSS ${mb(r.usage.peakRss)}; ${(s.requests / r.probed).toFixed(2)} requests/host; ground truth ${s.right}/${r.probed}`,
      );
      if (i === RUNS) console.log(`  statuses: ${JSON.stringify(s.byStatus)}`);
    }
    const bestRate = Math.max(...rates);
    console.log(
      `  median: ${median(rates).toFixed(0)} hosts/s (best ${bestRate.toFixed(0)}), ${median(cpus1).toFixed(3)} ms CPU/host, peak RSS ${mb(median(rss))}; load now ${load1()}`,
    );

    if (process.env.BENCH_SCAN_NMAP === '0' || !ensureApt('nmap')) {
      console.log('nmap: skipped');
      return;
    }
    const load = load1();
    const n0 = performance.now();
    const res = spawnSync(
      'nmap',
      [
        '-Pn',
        '-n',
        '-p',
        String(PORT),
        '--script',
        'http-title',
        '-iL',
        targetsFile,
        '-oX',
        join(work, 'nmap.xml'),
      ],
      { stdio: 'ignore' },
    );
    const nmapMs = performance.now() - n0;
    const nmapRate = (COUNT / nmapMs) * 1000;
    const titles = (readFileSync(join(work, 'nmap.xml'), 'utf8').match(/id="http-title"/g) ?? []).length;
    console.log(
      `nmap -Pn -n -p ${PORT} --script http-title (load ${load}): exit ${res.status}, ${COUNT} hosts in ${(nmapMs / 1000).toFixed(2)} s = ${nmapRate.toFixed(0)} hosts/s (${titles} titles)`,
    );
    console.log(
      `ratio: excensus scans at ${(median(rates) / nmapRate).toFixed(2)}x nmap's rate (median run)`,
    );
  } finally {
    lab.kill('SIGTERM');
    console.log(
      'targets (2 cores): >= 700 hosts/s, <= 1.5 ms client CPU/host, >= 1.6x nmap, peak RSS < 200 MB',
    );
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
