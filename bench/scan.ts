// Scan benchmark. A lab fleet of 4,096 hosts (ECDSA certificates, port 8443) runs in one
// process; the scanner (bench/scan-client.ts, compiled with tsc as the CLI ships, so no tsx
// loader in the measurement) runs in another, with the whole probe plan and the real judge;
// then nmap's http-title runs over the same target list. Only 127.90.0.0/20 is contacted.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureApt } from './peers.js';

const COUNT = Number(process.env.BENCH_SCAN_HOSTS ?? 4096);
const CONCURRENCY = Number(process.env.BENCH_SCAN_CONCURRENCY ?? 1000);
const BASE = '127.90.0.1';
const PORT = 8443;
const repo = fileURLToPath(new URL('../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'excensus-bench-scan-'));

function ipAt(i: number): string {
  const n = ((127 << 24) >>> 0) + (90 << 16) + 1 + i;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

async function startLabProcess(truth: string): Promise<ChildProcess> {
  const args = ['--import', 'tsx', `${repo}src/cli/run.ts`, 'lab', '--count', String(COUNT), '--seed', '2026', '--base', BASE, '--port', String(PORT), '--mix', 'bench', '--truth', truth];
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

/** Compiles the client and the src modules it imports; returns the command that runs it. */
function clientCommand(): { cmd: string[]; compiled: boolean } {
  const out = join(work, 'js');
  const tsc = spawnSync(process.execPath, [`${repo}node_modules/typescript/bin/tsc`, '--outDir', out, '--rootDir', repo, '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--skipLibCheck', '--types', 'node', '--resolveJsonModule', '--esModuleInterop', `${repo}bench/scan-client.ts`], { encoding: 'utf8' });
  const entry = join(out, 'bench', 'scan-client.js');
  if (existsSync(entry)) {
    // data/ and node_modules/ are found by walking up from the compiled files.
    symlinkSync(join(repo, 'data'), join(out, 'data'));
    symlinkSync(join(repo, 'node_modules'), join(out, 'node_modules'));
    copyFileSync(join(repo, 'package.json'), join(out, 'package.json'));
    return { cmd: [process.execPath, entry], compiled: true };
  }
  process.stderr.write(`bench: tsc did not emit the client (${tsc.stdout.slice(0, 300)}); measuring under tsx instead\n`);
  return { cmd: [process.execPath, '--import', 'tsx', `${repo}bench/scan-client.ts`], compiled: false };
}

function procCpuSeconds(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

interface ClientResult {
  probed: number;
  wallMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  baseRss: number;
  peakRss: number;
  requests: number;
  right: number;
  byStatus: Record<string, number>;
}

async function main(): Promise<void> {
  const truth = join(work, 'truth.jsonl');
  const targetsFile = join(work, 'targets.txt');
  writeFileSync(targetsFile, Array.from({ length: COUNT }, (_, i) => ipAt(i)).join('\n') + '\n');
  const { cmd, compiled } = clientCommand();
  const lab = await startLabProcess(truth);
  try {
    const lab0 = procCpuSeconds(lab.pid);
    const load = loadavg()[0] ?? 0;
    const [bin, ...rest] = cmd as [string, ...string[]];
    const run = spawnSync(bin, [...rest, JSON.stringify({ targetsFile, truthFile: truth, port: PORT, concurrency: CONCURRENCY })], { cwd: repo, encoding: 'utf8' });
    const lab1 = procCpuSeconds(lab.pid);
    const line = run.stdout.trim().split('\n').pop() ?? '';
    if (run.status !== 0 || !line.startsWith('{')) throw new Error(`scan client failed (${run.status}): ${run.stderr.slice(0, 2000)}`);
    const r = JSON.parse(line) as ClientResult;
    const hostsPerS = (r.probed / r.wallMs) * 1000;
    const cpuPerHost = (r.cpuUserMs + r.cpuSystemMs) / r.probed;
    const mb = (b: number): string => `${(b / 1048576).toFixed(0)} MB`;
    console.log(`excensus scan (${compiled ? 'compiled JS' : 'tsx'}): ${r.probed} hosts in ${(r.wallMs / 1000).toFixed(2)} s = ${hostsPerS.toFixed(0)} hosts/s (concurrency ${CONCURRENCY}, whole probe plan, ${(r.requests / r.probed).toFixed(2)} requests/host)`);
    console.log(`  client CPU: ${cpuPerHost.toFixed(3)} ms/host (user ${r.cpuUserMs.toFixed(0)} ms, system ${r.cpuSystemMs.toFixed(0)} ms)`);
    console.log(`  peak RSS: ${mb(r.peakRss)} (${mb(r.baseRss)} before the scan, rules and knowledge base loaded)`);
    if (lab0 !== null && lab1 !== null) {
      console.log(`  lab server meanwhile: ${(lab1 - lab0).toFixed(1)} s CPU; machine load average ${load.toFixed(1)} before the run on ${cpus().length} cores`);
    }
    console.log(`  statuses: ${JSON.stringify(r.byStatus)}; agree with the lab's ground truth: ${r.right}/${r.probed}`);

    if (process.env.BENCH_SCAN_NMAP === '0' || !ensureApt('nmap')) {
      console.log('nmap: skipped');
      return;
    }
    const n0 = performance.now();
    const res = spawnSync('nmap', ['-Pn', '-n', '-p', String(PORT), '--script', 'http-title', '-iL', targetsFile, '-oX', join(work, 'nmap.xml')], { stdio: 'ignore' });
    const nmapMs = performance.now() - n0;
    const nmapRate = (COUNT / nmapMs) * 1000;
    const titles = (readFileSync(join(work, 'nmap.xml'), 'utf8').match(/id="http-title"/g) ?? []).length;
    console.log(`nmap -Pn -n -p ${PORT} --script http-title: exit ${res.status}, ${COUNT} hosts in ${(nmapMs / 1000).toFixed(2)} s = ${nmapRate.toFixed(0)} hosts/s (${titles} titles)`);
    console.log(`ratio: excensus scans at ${(hostsPerS / nmapRate).toFixed(2)}x nmap's rate`);
    console.log('targets (2 cores): >= 700 hosts/s, <= 1.5 ms client CPU/host, >= 1.6x nmap, peak RSS < 200 MB');
  } finally {
    lab.kill('SIGTERM');
  }
}

await main();
