// Distributed scan benchmark: the 4,096-host lab fleet scanned by one process (`excensus scan
// --db postgres://...`), then as a distributed scan (`scan --queue` + `excensus worker`) with one
// and with two worker processes, all into the same PostgreSQL (EXCENSUS_TEST_PG or BENCH_PG; a
// schema of its own, dropped at the end). Single process and one worker alternate for a few rounds
// (the machine's load drifts); each run's wall and CPU time (user+sys of the process and its
// children, by /usr/bin/time) is printed with the load average. For one worker it splits the time
// outside shards into start-up, gaps between shards and exit. Prints hosts/s, the coordination
// overhead per shard and the store's write rate; then kills a worker mid-shard and times the
// hand-over to a peer. Runs the compiled CLI (dist/, built first). Only 127.97.0.0/20 is contacted.
// Env: BENCH_DIST_HOSTS (4096), BENCH_DIST_SHARDS (8), BENCH_DIST_CONCURRENCY (500),
// BENCH_DIST_ROUNDS (2), BENCH_DIST_SKIP_BUILD=1 (dist/ is current), BENCH_DIST_ONLY_ONE=1 (single
// process and one worker only: no two-worker run, no hand-over).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const PG = process.env.BENCH_PG ?? process.env.EXCENSUS_TEST_PG;
const COUNT = Number(process.env.BENCH_DIST_HOSTS ?? 4096);
const SHARDS = Number(process.env.BENCH_DIST_SHARDS ?? 8);
const CONCURRENCY = Number(process.env.BENCH_DIST_CONCURRENCY ?? 500);
const ROUNDS = Math.max(1, Number(process.env.BENCH_DIST_ROUNDS ?? 2));
const BASE = '127.97.0.1';
const PORT = 8445;
const repo = fileURLToPath(new URL('../', import.meta.url));
const cli = `${repo}bin/excensus.js`;
const TIME = '/usr/bin/time';
const timed = existsSync(TIME);

if (!PG) {
  console.log('bench distributed: skipped (set EXCENSUS_TEST_PG or BENCH_PG to a PostgreSQL URL)');
  process.exit(0);
}
const schema = `excensus_bench_dist_${process.pid}`;
const db = `${PG}${PG.includes('?') ? '&' : '?'}schema=${schema}`;
const last = (): string => {
  const n = ((127 << 24) >>> 0) + (97 << 16) + COUNT;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
};
const range = `${BASE}-${last()}`;
const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** A command line, under /usr/bin/time when there is one (its last stderr line: "user sys maxrss"). */
function command(args: string[]): [string, string[]] {
  const node = [process.execPath, cli, ...args];
  return timed ? [TIME, ['-f', 'CPU %U %S %M', ...node]] : [node[0]!, node.slice(1)];
}

/** CPU seconds (user + sys) from /usr/bin/time's line, NaN without it. */
function cpuOf(stderr: string): number {
  const m = /CPU ([\d.]+) ([\d.]+) \d+\s*$/.exec(stderr);
  return m ? Number(m[1]) + Number(m[2]) : NaN;
}

function run(args: string[]): { ms: number; cpu: number } {
  const t = performance.now();
  const [cmd, argv] = command([...args, '--quiet']);
  const r = spawnSync(cmd, argv, { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`excensus ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms: performance.now() - t, cpu: cpuOf(r.stderr) };
}

interface Worker {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
  /** Date.now() at spawn and at exit. */
  spawnedAt: number;
  exitedAt: () => number;
}
function worker(id: string, extra: string[] = []): Worker {
  const [cmd, argv] = command(['worker', '--db', db, '--id', id, '--quiet', ...extra]);
  const spawnedAt = Date.now();
  const child = spawn(cmd, argv, { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  let exitedAt = 0;
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((r) =>
    child.on('exit', (c) => {
      exitedAt = Date.now();
      r(c);
    }),
  );
  return { child, log: () => log, exited, spawnedAt, exitedAt: () => exitedAt };
}

async function query<T>(text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: PG });
  await c.connect();
  try {
    return (await c.query(text, values)).rows as T[];
  } finally {
    await c.end();
  }
}

async function startLab(): Promise<ChildProcess> {
  const args = ['lab', '--count', String(COUNT), '--seed', '2026', '--base', BASE, '--port', String(PORT)];
  const child = spawn(process.execPath, [cli, ...args, '--mix', 'bench', '--truth', '/dev/null'], {
    cwd: repo,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (/ready:/.test(err)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`lab exited with ${code}: ${err}`)));
  });
  return child;
}

const scanArgs = (name: string, extra: string[]) => [
  'scan',
  range,
  '-p',
  String(PORT),
  '--db',
  db,
  '--rate',
  '0',
  '--concurrency',
  String(CONCURRENCY),
  '--seed',
  '7',
  '--timeout',
  '5s',
  '--as-of',
  '2026-01-01',
  '--name',
  name,
  ...extra,
];

async function storedRows(name: string): Promise<number> {
  const rows = await query<{ n: string }>(
    `SELECT count(*) AS n FROM "${schema}".hosts h JOIN "${schema}".scans c ON c.id = h.scan_id WHERE c.name = $1`,
    [name],
  );
  return Number(rows[0]?.n ?? 0);
}

interface Run {
  ms: number;
  cpu: number;
  rows: number;
  load: string;
  /** One worker: time outside shards (ms): start-up, between shards when none ran, exit. */
  startMs?: number;
  gapsMs?: number;
  exitMs?: number;
  meanShardMs?: number;
}

async function single(name: string): Promise<Run> {
  const r = run(scanArgs(name, []));
  return { ...r, rows: await storedRows(name), load: loadavg() };
}

/** A distributed run with `n` worker processes, timed from the workers' start to their exit. */
async function distributed(name: string, n: number): Promise<Run> {
  run(scanArgs(name, ['--queue', '--shards', String(SHARDS)]));
  const t = performance.now();
  const ws = Array.from({ length: n }, (_, i) => worker(`${name}-w${i + 1}`, ['--exit-when-idle']));
  for (const w of ws) if ((await w.exited) !== 0) throw new Error(`worker failed: ${w.log()}`);
  const ms = performance.now() - t;
  const shards = await query<{ started_ms: string; finished_ms: string }>(
    `SELECT s.started_ms, s.finished_ms FROM "${schema}".scan_shards s JOIN "${schema}".scans c ON c.id = s.scan_id
     WHERE c.name = $1 ORDER BY s.started_ms`,
    [name],
  );
  const spans = shards.map((s) => [Number(s.started_ms), Number(s.finished_ms)] as const);
  const out: Run = {
    ms,
    cpu: ws.reduce((sum, w) => sum + cpuOf(w.log()), 0),
    rows: await storedRows(name),
    load: loadavg(),
    meanShardMs: spans.reduce((sum, [a, b]) => sum + (b - a), 0) / spans.length,
  };
  if (n === 1 && spans.length > 0) {
    const w = ws[0]!;
    out.startMs = spans[0]![0] - w.spawnedAt;
    // time between shards when none was running (a worker may start one while another drains)
    let reach = spans[0]![1];
    out.gapsMs = 0;
    for (const [a, b] of spans.slice(1)) {
      if (a > reach) out.gapsMs += a - reach;
      reach = Math.max(reach, b);
    }
    out.exitMs = w.exitedAt() - Math.max(...spans.map(([, b]) => b));
  }
  return out;
}

/** Kills a worker once it has stored part of its shard; times until a peer holds that shard again. */
async function handOver(): Promise<number> {
  run(scanArgs('handover', ['--queue', '--shards', '2', '--rate', '200', '--batch', '50']));
  const a = worker('ho-a');
  let b: Worker | null = null;
  let shard = 0;
  for (;;) {
    const rows = await query<{ shard: number; hosts_done: string }>(
      `SELECT shard, hosts_done FROM "${schema}".scan_shards WHERE worker = 'ho-a' AND state = 'running'`,
    );
    // the peer starts once ho-a holds a shard (else, taking two at once, it might hold both)
    if (rows[0] && !b) b = worker('ho-b', ['--concurrency', '2', '--exit-when-idle']);
    if (rows[0] && Number(rows[0].hosts_done) >= 100) {
      shard = rows[0].shard;
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // the worker's node process itself (under /usr/bin/time, a.child is time, its parent)
  const pid = a.child.pid!;
  const node = timed ? Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()) : pid;
  process.kill(node, 'SIGKILL');
  const killed = performance.now();
  const took = new RegExp(`took scan "handover" shard ${shard}/2, \\d+ records stored before`);
  const peer = b!;
  while (!took.test(peer.log())) await new Promise((r) => setTimeout(r, 50));
  const ms = performance.now() - killed;
  if ((await peer.exited) !== 0) throw new Error(`worker failed: ${peer.log()}`);
  return ms;
}

const f1 = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(1));
const f0 = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(0));

if (process.env.BENCH_DIST_SKIP_BUILD !== '1') {
  console.log(`building dist/ ...`);
  if (spawnSync('npm', ['run', 'build'], { cwd: repo, stdio: 'ignore' }).status !== 0)
    throw new Error('build failed');
}
const lab = await startLab();
try {
  console.log(
    `lab: ${COUNT} hosts on ${range}:${PORT}; ${SHARDS} shards; ${CONCURRENCY} hosts in flight per scan/shard`,
  );
  console.log(`load average at start: ${loadavg()} (the machine is shared: figures are what it gave now)`);
  const runs: Array<[string, Run]> = [];
  for (let i = 1; i <= ROUNDS; i++) {
    runs.push([`single #${i}`, await single(`single-${i}`)]);
    runs.push([`1 worker #${i}`, await distributed(`dist1-${i}`, 1)]);
  }
  const onlyOne = process.env.BENCH_DIST_ONLY_ONE === '1';
  if (!onlyOne) runs.push(['2 workers', await distributed('dist2', 2)]);
  console.log(
    '\nrun            wall s  hosts/s  CPU s  rows/s(store)  mean shard ms  start ms  gaps ms  exit ms  load avg',
  );
  for (const [name, r] of runs)
    console.log(
      `${name.padEnd(14)} ${f1(r.ms / 1000).padStart(6)}  ${f0(COUNT / (r.ms / 1000)).padStart(7)}  ${f1(r.cpu).padStart(5)}  ` +
        `${f0(r.rows / (r.ms / 1000)).padStart(13)}  ${f0(r.meanShardMs).padStart(13)}  ${f0(r.startMs).padStart(8)}  ` +
        `${f0(r.gapsMs).padStart(7)}  ${f0(r.exitMs).padStart(7)}  ${r.load}`,
    );
  const mean = (prefix: string, k: 'ms' | 'cpu') => {
    const xs = runs.filter(([n]) => n.startsWith(prefix)).map(([, r]) => r[k]);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const [sMs, wMs, sCpu, wCpu] = [
    mean('single', 'ms'),
    mean('1 worker', 'ms'),
    mean('single', 'cpu'),
    mean('1 worker', 'cpu'),
  ];
  console.log(
    `\nmeans over ${ROUNDS} round(s): 1 worker / single process: ${((sMs / wMs) * 100).toFixed(0)}% of the rate by wall time, ` +
      `${((sCpu / wCpu) * 100).toFixed(0)}% by CPU time (goal >= 90%); ` +
      `overhead per shard ${f0((wMs - sMs) / SHARDS)} ms wall, ${f0(((wCpu - sCpu) / SHARDS) * 1000)} ms CPU; ` +
      (onlyOne ? '' : `2 workers / 1 worker: ${(wMs / (runs.at(-1)?.[1].ms ?? NaN)).toFixed(2)}x`),
  );
  console.log(
    '(wall times include process start; CPU = user+sys of the scanning processes, not the lab or PostgreSQL)',
  );
  if (!onlyOne) {
    const ho = await handOver();
    console.log(`hand-over after kill -9: ${(ho / 1000).toFixed(1)} s (lease 10 s; goal < 15 s)`);
  }
  console.log(`load average at end: ${loadavg()}`);
} finally {
  lab.kill('SIGTERM');
  await query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await query(`DROP SCHEMA IF EXISTS "${schema}_boss" CASCADE`);
}
