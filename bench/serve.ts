// Dashboard benchmark (not a test): `excensus serve` over a 1,000,000-record SQLite store.
// Times every API view (p95 over 200 requests each, one client), pages of the host table at
// random offsets and sorts, one host, the HTML pages; then 50 concurrent keep-alive clients for
// 30 s over a mix of views (errors counted); and the server process's peak RSS (VmHWM).
// Usage: node --import tsx bench/serve.ts [--db PATH] [--size N] [--requests 200] [--clients 50] [--seconds 30]
//   [--dist DIR] (serve from another built tree, e.g. a copy of main's, to compare before and after)
//   [--v8 FLAGS] (V8 flags for the server, space-separated; default: the tree's bin/v8-flags.js for serve)
// Without --db it first builds a store with bench/census.ts (same synthetic fleet, N records).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    size: { type: 'string', default: '1000000' },
    requests: { type: 'string', default: '200' },
    clients: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '30' },
    dist: { type: 'string' },
    v8: { type: 'string' },
  },
});
const N = Number(values.requests);
const repo = fileURLToPath(new URL('../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'excensus-bench-serve-'));
let dbPath = values.db;
if (!dbPath) {
  dbPath = join(tmp, 'census.db');
  const res = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(repo, 'bench/census.ts'), '--size', values.size, '--db', dbPath, '--keep'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (res.status !== 0) throw new Error('bench/census.ts failed');
}

// The built CLI when there is one (what users run), else the sources through tsx.
const tree = values.dist ?? repo;
const built = join(tree, 'dist/src/cli/run.js');
const useBuilt = existsSync(join(tree, 'dist/src/server/http.js'));
// The V8 flags bin/excensus.js gives `serve` in that tree (none where it gives none), so the
// server measured is the one users run.
const flagsFile = join(tree, 'bin/v8-flags.js');
const v8Flags =
  values.v8 !== undefined
    ? values.v8.split(' ').filter(Boolean)
    : existsSync(flagsFile)
      ? (((await import(flagsFile)) as { commandV8Flags: Record<string, string[]> }).commandV8Flags.serve ??
        [])
      : [];
const args = useBuilt
  ? [...v8Flags, built, 'serve', '--db', dbPath, '--port', '0', '--quiet']
  : [
      ...v8Flags,
      '--import',
      'tsx',
      join(repo, 'src/cli/run.ts'),
      'serve',
      '--db',
      dbPath,
      '--port',
      '0',
      '--quiet',
    ];
const started = performance.now();
const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
const base = await new Promise<string>((resolve, reject) => {
  let out = '';
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    const m = /^(http:\/\/\S+)\n/m.exec(out);
    if (m) resolve(m[1]!);
  });
  child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
});

const listening = performance.now() - started;
const agent = new Agent({ keepAlive: true, maxSockets: Number(values.clients) });
function get(path: string): Promise<{ status: number; bytes: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, bytes: body.length, body: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};

// Deterministic choices so runs compare.
let seed = 0x9e3779b9;
const rand = (): number => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

const first = JSON.parse((await get('/api/hosts?limit=1')).body) as { total: number; as_of: string };
const total = first.total;
const SORTS = ['ip', '-ip', 'country', '-country', 'product', 'eol_date', 'asn', '-observed_at', 'release'];
const FILTERS = [
  '',
  '&country=US',
  '&eol=1',
  '&family=ProxyLogon',
  '&continent=EU&product=Exchange+Server+2013',
];
const hostPage = () => {
  const limit = 50;
  const offset = Math.floor(rand() * Math.max(1, total - limit));
  return `/api/hosts?limit=${limit}&offset=${offset}&sort=${pick(SORTS)}`;
};
// deep pages of a filter: offsets anywhere in what the filter keeps
const kept = new Map<string, number>();
for (const f of FILTERS)
  kept.set(f, (JSON.parse((await get(`/api/hosts?limit=1${f}`)).body) as { total: number }).total);
const filteredDeepPage = () => {
  const f = pick(FILTERS);
  const offset = Math.floor(rand() * Math.max(1, (kept.get(f) ?? 0) - 50));
  return `/api/hosts?limit=50&offset=${offset}&sort=${pick(SORTS)}${f}`;
};
const filteredPage = () => `/api/hosts?limit=50&sort=${pick(SORTS)}${pick(FILTERS)}`;
const oneHost = () => {
  const i = Math.floor(rand() * Number(values.size));
  return `/api/host?ip=${1 + (i >>> 24)}.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}&port=443`;
};

const VIEWS: Array<[name: string, path: () => string, limitMs: number]> = [
  ['census by continent', () => '/api/census?by=continent', 300],
  ['census by country', () => '/api/census?by=country', 300],
  ['census by asn', () => '/api/census?by=asn', 300],
  ['census by product,release', () => '/api/census?by=product,release', 300],
  ['census by family', () => '/api/census?by=family', 300],
  ['census, filtered', () => `/api/census?by=country${pick(FILTERS)}`, 300],
  ['hosts, any page, any sort', hostPage, 100],
  ['hosts, filtered first page', filteredPage, 100],
  ['hosts, filtered, any page, any sort', filteredDeepPage, 100],
  ['one host', oneHost, 100],
  ['scans', () => '/api/scans', 300],
  ['trend', () => '/api/trend', 300],
  ['page: overview', () => '/', 300],
  ['page: overview, drilled to a country', () => '/?country=US', 300],
  ['page: hosts', () => `/hosts?offset=${Math.floor(rand() * (total - 50))}`, 300],
  ['page: builds', () => '/builds', 300],
  ['page: networks', () => '/networks', 300],
  ['page: over time', () => '/trend', 300],
  ['page: scans', () => '/scans', 300],
];

process.stdout.write(
  `serve over ${dbPath} (${total.toLocaleString('en-US')} Exchange records; ${useBuilt ? `dist of ${tree}` : 'tsx'}; V8 flags: ${v8Flags.join(' ') || 'none'}); listening after ${listening.toFixed(0)} ms\n`,
);
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0]!;
/** The server's CPU seconds so far (user + system), from /proc. */
const serverCpu = () => {
  const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
process.stdout.write(`load average at start: ${readFileSync('/proc/loadavg', 'utf8')}`);
process.stdout.write(
  `${'view'.padEnd(38)} ${'first ms'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}  ${'load'.padStart(5)}  target\n`,
);
let failures = 0;
for (const [name, path, limit] of VIEWS) {
  // the first request pays one-time costs (cube check, the host table read into memory): shown apart
  const w0 = performance.now();
  await get(path());
  const first = performance.now() - w0;
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const p = path();
    const t0 = performance.now();
    const r = await get(p);
    times.push(performance.now() - t0);
    if (r.status !== 200) throw new Error(`${p}: ${r.status} ${r.body.slice(0, 200)}`);
  }
  const p95 = quantile(times, 0.95);
  const ok = p95 < limit;
  if (!ok) failures++;
  process.stdout.write(
    `${name.padEnd(38)} ${first.toFixed(0).padStart(9)} ${quantile(times, 0.5).toFixed(1).padStart(8)} ${p95
      .toFixed(1)
      .padStart(8)} ${Math.max(...times)
      .toFixed(1)
      .padStart(8)}  ${load().padStart(5)}  < ${limit} ${ok ? 'ok' : 'MISSED'}\n`,
  );
}

/** The server's resident memory now and its peak so far, in MB (from /proc). */
const serverRss = (): { now: number; peak: number } => {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
  return { now: kb('VmRSS'), peak: kb('VmHWM') };
};
const cpuBeforeLoad = serverCpu();
const views = serverRss();
process.stdout.write(
  `server CPU for the views above: ${cpuBeforeLoad.toFixed(1)} s; RSS ${views.now.toFixed(0)} MB, peak ${views.peak.toFixed(0)} MB (load ${load()})\n`,
);
// Load: every client requests the next view of the mix as soon as its last answer is in.
const mix = [...VIEWS.filter(([n]) => !n.startsWith('page')).map(([, p]) => p), () => '/', () => '/hosts'];
const clients = Number(values.clients);
const until = performance.now() + Number(values.seconds) * 1000;
let done = 0;
let errors = 0;
const lat: number[] = [];
await Promise.all(
  Array.from({ length: clients }, async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      try {
        const r = await get(pick(mix)());
        if (r.status !== 200) errors++;
      } catch {
        errors++;
      }
      lat.push(performance.now() - t0);
      done++;
    }
  }),
);
const seconds = Number(values.seconds);
const cpuLoad = serverCpu() - cpuBeforeLoad;
process.stdout.write(
  `load: ${clients} clients x ${seconds} s: ${done.toLocaleString('en-US')} requests (${Math.round(done / seconds)}/s), ${errors} errors, latency p50 ${quantile(lat, 0.5).toFixed(0)} ms p95 ${quantile(lat, 0.95).toFixed(0)} ms p99 ${quantile(lat, 0.99).toFixed(0)} ms; server CPU ${cpuLoad.toFixed(1)} s; load ${load()}\n`,
);
const hwm = serverRss().peak;
process.stdout.write(`server peak RSS: ${hwm.toFixed(0)} MB (target < 300 MB)\n`);
if (errors > 0) failures++;
if (hwm >= 300) failures++;
child.kill('SIGTERM');
agent.destroy();
if (!values.db) rmSync(tmp, { recursive: true, force: true });
process.stdout.write(failures ? `serve: ${failures} target(s) missed\n` : 'serve: every target met\n');
