// Distributed scan benchmark: the 4,096-host lab fleet scanned by one process (`excensus scan
// --db postgres://...`), then as a distributed scan (`scan --queue` + `excensus worker`) with one
// and with two worker processes, all into the same PostgreSQL (EXCENSUS_TEST_PG or BENCH_PG; a
// schema of its own, dropped at the end). Prints hosts/s, the coordination overhead per shard
// and the store's write rate; then kills a worker mid-shard and times the hand-over to a peer.
// Runs the compiled CLI (dist/, built first). Only 127.97.0.0/20 is contacted.
// Env: BENCH_DIST_HOSTS (4096), BENCH_DIST_SHARDS (8), BENCH_DIST_CONCURRENCY (500).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const PG = process.env.BENCH_PG ?? process.env.EXCENSUS_TEST_PG;
const COUNT = Number(process.env.BENCH_DIST_HOSTS ?? 4096);
const SHARDS = Number(process.env.BENCH_DIST_SHARDS ?? 8);
const CONCURRENCY = Number(process.env.BENCH_DIST_CONCURRENCY ?? 500);
const BASE = '127.97.0.1';
const PORT = 8445;
const repo = fileURLToPath(new URL('../', import.meta.url));
const cli = `${repo}bin/excensus.js`;

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
const load1 = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '?';

function run(args: string[]): { ms: number; stderr: string } {
  const t = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args, '--quiet'], { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`excensus ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms: performance.now() - t, stderr: r.stderr };
}

interface Worker {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}
function worker(id: string, extra: string[] = []): Worker {
  const child = spawn(process.execPath, [cli, 'worker', '--db', db, '--id', id, '--quiet', ...extra], {
    cwd: repo,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  return { child, log: () => log, exited: new Promise((r) => child.on('exit', (c) => r(c))) };
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

/** A distributed run with `n` worker processes, timed from the workers' start to their exit. */
async function distributed(name: string, n: number): Promise<{ ms: number; shardMs: number }> {
  run(scanArgs(name, ['--queue', '--shards', String(SHARDS)]));
  const t = performance.now();
  const ws = Array.from({ length: n }, (_, i) => worker(`${name}-w${i + 1}`, ['--exit-when-idle']));
  for (const w of ws) if ((await w.exited) !== 0) throw new Error(`worker failed: ${w.log()}`);
  const ms = performance.now() - t;
  const rows = await query<{ ms: string }>(
    `SELECT sum(s.finished_ms - s.started_ms) AS ms FROM "${schema}".scan_shards s JOIN "${schema}".scans c ON c.id = s.scan_id WHERE c.name = $1`,
    [name],
  );
  return { ms, shardMs: Number(rows[0]?.ms ?? 0) };
}

/** Kills a worker once it has stored part of its shard; times until a peer holds that shard again. */
async function handOver(): Promise<number> {
  run(scanArgs('handover', ['--queue', '--shards', '2', '--rate', '200', '--batch', '50']));
  const a = worker('ho-a');
  const b = worker('ho-b', ['--concurrency', '2', '--exit-when-idle']);
  let shard = 0;
  for (;;) {
    const rows = await query<{ shard: number; hosts_done: string }>(
      `SELECT shard, hosts_done FROM "${schema}".scan_shards WHERE worker = 'ho-a' AND state = 'running'`,
    );
    if (rows[0] && Number(rows[0].hosts_done) >= 100) {
      shard = rows[0].shard;
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  a.child.kill('SIGKILL');
  const killed = performance.now();
  const took = new RegExp(`took scan "handover" shard ${shard}/2, \\d+ records stored before`);
  while (!took.test(b.log())) await new Promise((r) => setTimeout(r, 50));
  const ms = performance.now() - killed;
  if ((await b.exited) !== 0) throw new Error(`worker failed: ${b.log()}`);
  return ms;
}

console.log(`building dist/ ...`);
if (spawnSync('npm', ['run', 'build'], { cwd: repo, stdio: 'ignore' }).status !== 0)
  throw new Error('build failed');
const lab = await startLab();
try {
  console.log(
    `lab: ${COUNT} hosts on ${range}:${PORT}; ${SHARDS} shards; ${CONCURRENCY} hosts in flight per scan/shard`,
  );
  console.log(`load average at start: ${load1()} (the machine is shared: figures are what it gave now)`);
  const single = run(scanArgs('single', []));
  const one = await distributed('dist-1', 1);
  const two = await distributed('dist-2', 2);
  const rate = (ms: number) => (COUNT / (ms / 1000)).toFixed(0);
  const rows = [
    ['single process', single.ms, '-', '-'],
    ['1 worker', one.ms, ((one.ms - single.ms) / SHARDS).toFixed(0), (one.shardMs / SHARDS).toFixed(0)],
    ['2 workers', two.ms, '-', (two.shardMs / SHARDS).toFixed(0)],
  ] as const;
  console.log('\nrun              wall s   hosts/s  store rows/s  overhead/shard ms  mean shard ms');
  for (const [name, ms, over, shard] of rows)
    console.log(
      `${name.padEnd(16)} ${(ms / 1000).toFixed(1).padStart(6)}  ${rate(ms).padStart(8)}  ${rate(ms).padStart(12)}  ${String(over).padStart(17)}  ${String(shard).padStart(13)}`,
    );
  console.log(
    `1 worker / single process: ${((single.ms / one.ms) * 100).toFixed(0)}% (goal >= 90%); 2 workers / 1 worker: ${(one.ms / two.ms).toFixed(2)}x`,
  );
  console.log('(wall times include process start; every host is one stored row, so rows/s = hosts/s)');
  const ho = await handOver();
  console.log(`hand-over after kill -9: ${(ho / 1000).toFixed(1)} s (lease 10 s; goal < 15 s)`);
  console.log(`load average at end: ${load1()}`);
} finally {
  lab.kill('SIGTERM');
  await query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await query(`DROP SCHEMA IF EXISTS "${schema}_boss" CASCADE`);
}
