// Exchange-heavy ingest benchmark (issue 18): the files users hold after an Exchange query (Shodan
// OWA logon answers, ~4.5 KB a line) at 100% and 15% Exchange, timed side by side with DuckDB
// (2 threads; its columns declared, and detected as issue 18 measured it) and jq doing the bench
// task (records per country + histogram of X-OWA-Version):
//   excensus --no-store   ingestFiles with a counting sink, the default worker choice (bench/ingest.ts)
//   excensus ingest --no-store  the same from the CLI (launcher, start-up, its table to /dev/null)
//   excensus --no-store --json  the CLI printing every judged record as JSON Lines to a file
//   excensus store+report `excensus ingest FILE --db` then `excensus report --by country`, as users run them
// and, per judged record, the CPU microseconds of each step (bench/stages.ts: parse, fingerprint,
// classify, encode) and of the store (CPU of `ingest --db` minus CPU of --no-store, per record).
// Each measurement prints the load average before it (the CPU is shared: compare ratios).
// Usage: node --import tsx bench/exchange.ts [--mb 250] [--shares 1,0.15] [--runs 3] [--no-peers] [--no-stages]
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateRecord, generateShodanFile, rng } from './gen-shodan.js';
import { runDuckDb, runJq, type PeerCounts } from './peers.js';
import { warm } from './warm.js';
import { commandV8Flags } from '../bin/v8-flags.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const srcRoot = fileURLToPath(new URL('../', import.meta.url));
const work = join(tmpdir(), 'excensus-bench-exchange');
const AS_OF = '2024-06-01';
/** Rounds of every row; each row prints its median (a shared machine's load moves single runs). */
const runs = Math.max(1, Number(opt('runs', '3')));
const ROW = {
  nostore: 'excensus --no-store',
  cli: 'excensus ingest --no-store',
  json: 'excensus --no-store --json',
  stored: 'excensus ingest + report',
} as const;
/** DuckDB's two queries (bench/peers.ts): the figures were taken with columns detected. */
const DUCK_ROW = {
  declared: 'duckdb, columns declared',
  detected: 'duckdb, columns detected',
} as const;

// what `excensus ingest --no-store` passes, the sink doing the bench task (as bench/ingest.ts)
const NOSTORE_CHILD = `
const [pipelineUrl, file] = process.argv.slice(2);
const { ingestFiles } = await import(pipelineUrl);
const countries = {};
const builds = {};
const t0 = performance.now();
const summary = await ingestFiles([file], { asOf: '${AS_OF}', workers: 'auto', keepObservations: false, defaultTimestamp: '2024-06-01T00:00:00Z' }, async (batch) => {
  for (const h of batch) {
    const c = h.record.geo?.country ?? '';
    countries[c] = (countries[c] ?? 0) + 1;
    const b = h.record.isExchange ? h.record.evidence.build : undefined;
    if (b) builds[b] = (builds[b] ?? 0) + 1;
  }
});
const ms = performance.now() - t0;
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, countries, builds, maxRssMb: process.resourceUsage().maxRSS / 1024, records: summary.records }) + '\\n');
`;

/** The compiled build with its launcher (bin/) in a package-shaped folder; null if the build fails. */
function buildPackage(): string | null {
  const pkg = join(work, 'pkg');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  spawnSync(
    process.execPath,
    [tsc, '-p', join(srcRoot, 'tsconfig.build.json'), '--outDir', join(pkg, 'dist')],
    {
      stdio: 'ignore',
    },
  );
  if (!existsSync(join(pkg, 'dist/src/cli/main.js'))) return null;
  for (const d of ['data', 'node_modules', 'native']) {
    if (existsSync(join(srcRoot, d))) symlinkSync(join(srcRoot, d), join(pkg, 'dist', d));
    if (existsSync(join(srcRoot, d)) && d !== 'native') symlinkSync(join(srcRoot, d), join(pkg, d));
  }
  mkdirSync(join(pkg, 'bin'));
  for (const f of ['excensus.js', 'v8-flags.js']) copyFileSync(join(srcRoot, 'bin', f), join(pkg, 'bin', f));
  writeFileSync(join(pkg, 'nostore.mjs'), NOSTORE_CHILD);
  return pkg;
}

interface Timed {
  ms: number;
  cpuMs: number;
  maxRssMb: number;
}

/** Runs a command under /usr/bin/time: wall, CPU (user + system, children included) and peak RSS. */
function timed(cmd: string[]): Timed {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'TIMED %U %S %M', ...cmd], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const ms = performance.now() - t0;
  const m = /TIMED ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || !m) {
    process.stderr.write(`bench: ${cmd.join(' ')} failed:\n${r.stderr}\n`);
    process.exit(1);
  }
  return { ms, cpuMs: (Number(m[1]) + Number(m[2])) * 1000, maxRssMb: Number(m[3]) / 1024 };
}

/** Records that make about `mb` megabytes at this Exchange share (line length sampled from the generator). */
function recordsFor(mb: number, share: number): number {
  const r = rng(7);
  let bytes = 0;
  for (let i = 0; i < 400; i++)
    bytes += generateRecord(r, i, { exchange: share, owa: 'logon' }).line.length + 1;
  return Math.round((mb * 1e6) / (bytes / 400));
}

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const built = buildPackage();
if (!built) {
  process.stderr.write('bench: the build failed\n');
  process.exit(1);
}
const pkg: string = built;
const mb = Number(opt('mb', '250'));
const fmt = (n: number, d = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const canon = (o: Record<string, number>): string =>
  JSON.stringify(Object.entries(o).sort(([x], [y]) => x.localeCompare(y)));

for (const share of opt('shares', '1,0.15').split(',').map(Number)) {
  const records = recordsFor(mb, share);
  const file = join(tmpdir(), `excensus-bench-exchange-${Math.round(share * 100)}pct-${records}.jsonl`);
  if (!existsSync(file)) {
    process.stderr.write(`bench: generating ${records} records into ${file}...\n`);
    await generateShodanFile(file, records, 1, { exchange: share, owa: 'logon' });
  }
  const bytes = statSync(file).size;
  process.stdout.write(
    `\n--- ${Math.round(share * 100)}% Exchange: ${fmt(records)} records, ${fmt(bytes / 1e6)} MB (${file})\n`,
  );
  const rounds: Round[] = [];
  for (let k = 0; k < runs; k++) rounds.push(await round(file));
  const nostore = rounds[0]!.nostore;
  const rows = new Map<string, Row[]>();
  for (const r of rounds) for (const row of r.rows) rows.set(row.name, [...(rows.get(row.name) ?? []), row]);
  const mid = (name: string, key: 'ms' | 'cpuMs'): number | undefined =>
    median(rows.get(name)?.map((r) => r[key]));
  for (const [name, rs] of rows) {
    const peer = rounds[0]!.peers[name];
    const agree = peer
      ? `  same counts: ${canon(peer.countries) === canon(nostore.countries) && canon(peer.builds) === canon(nostore.builds) ? 'yes' : 'NO'}`
      : '';
    const cpu = mid(name, 'cpuMs');
    const walls = rs.map((r) => r.ms / 1000);
    process.stdout.write(
      `${name.padEnd(26)} ${(mid(name, 'ms')! / 1000).toFixed(2).padStart(7)} s` +
        (rs.length > 1 ? ` (${Math.min(...walls).toFixed(2)}-${Math.max(...walls).toFixed(2)})` : '') +
        (cpu !== undefined
          ? `  CPU ${(cpu / 1000).toFixed(2)} s (${fmt((cpu * 1000) / records)} us/record)`
          : '') +
        (rs[0]!.maxRssMb !== undefined
          ? `  peak RSS ${fmt(Math.max(...rs.map((r) => r.maxRssMb!)))} MB`
          : '') +
        `${agree}  (load before: ${rs.map((r) => r.load.split(' ')[0]).join(', ')})\n`,
    );
  }
  const dbMb = rounds[0]!.dbMb;
  process.stdout.write(`store: ${fmt(dbMb)} MB (${fmt((dbMb * 1e6) / records)} B/record)\n`);
  const [t1, t2] = share >= 0.5 ? [2, 3] : [1.5, 2.5];
  const nsMs = mid(ROW.nostore, 'ms')!;
  const cliMs = mid(ROW.cli, 'ms')!;
  const irMs = mid(ROW.stored, 'ms')!;
  for (const schema of ['detected', 'declared'] as const) {
    const d = mid(DUCK_ROW[schema], 'ms');
    if (d === undefined) continue;
    process.stdout.write(
      `vs DuckDB, columns ${schema} (medians): --no-store ${(nsMs / d).toFixed(2)}x, from the CLI ${(cliMs / d).toFixed(2)}x (target <= ${t1}x); ingest + report ${(irMs / d).toFixed(2)}x (target <= ${t2}x)\n`,
    );
  }
  const ingestCpu = median(rounds.map((r) => r.ingestCpuMs))!;
  const nostoreCpu = mid(ROW.nostore, 'cpuMs')!;
  if (!args.includes('--no-stages')) {
    const st = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(srcRoot, 'bench/stages.ts'), file, '20000'],
      {
        encoding: 'utf8',
        cwd: srcRoot,
        maxBuffer: 16 << 20,
      },
    );
    if (st.status === 0) {
      const s = JSON.parse(st.stdout.trim()) as {
        anchored: number;
        judged: number;
        usPerRecord: Record<string, number>;
      };
      const storeUs = ((ingestCpu - nostoreCpu) * 1000) / Math.max(1, s.anchored);
      const parts = Object.entries(s.usPerRecord).map(([k, v]) => `${k} ${fmt(v, 1)}`);
      process.stdout.write(
        `CPU us per judged record (${fmt(s.judged)} measured, one thread): ${parts.join(', ')}, store ${fmt(storeUs, 1)} (ingest --db minus --no-store, per judged record)\n`,
      );
    } else process.stderr.write(`bench: stages failed: ${st.stderr}\n`);
  }
}
process.stdout.write(`\ntargets: peak RSS < 300 MB (load average after the run: ${load()})\n`);

interface Row {
  name: string;
  ms: number;
  cpuMs?: number;
  maxRssMb?: number;
  load: string;
}

interface Round {
  rows: Row[];
  nostore: Timed & PeerCounts & { records: number };
  peers: Record<string, PeerCounts>;
  dbMb: number;
  ingestCpuMs: number;
}

/** One run of every row on `file`, each after warming the file into the page cache. */
async function round(file: string): Promise<Round> {
  const rows: Row[] = [];

  warm(file);
  let before = load();
  const ns = spawnSync(
    process.execPath,
    [
      ...commandV8Flags.ingest,
      join(pkg, 'nostore.mjs'),
      pathToFileURL(join(pkg, 'dist/src/ingest/pipeline.js')).href,
      file,
    ],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  if (ns.status !== 0) {
    process.stderr.write(ns.stderr);
    process.exit(1);
  }
  const nostore = JSON.parse(ns.stdout.trim().split('\n').at(-1)!) as Timed &
    PeerCounts & { records: number };
  rows.push({ name: ROW.nostore, ...nostore, load: before });

  // the same without a store as a user types it: the launcher, the CLI's start-up and its table
  const bin = join(pkg, 'bin/excensus.js');
  warm(file);
  before = load();
  const excensus = (...args: string[]): Timed => timed([process.execPath, bin, ...args]);
  const cli = excensus('ingest', file, '--no-store', '--as-of', AS_OF, '--quiet', '-o', '/dev/null');
  rows.push({ name: ROW.cli, ...cli, load: before });

  // the command a user runs to get the judged records as JSON Lines (hostJsonLine writes each
  // classification's text once), its lines counted against the records
  const jsonOut = join(work, 'hosts.jsonl');
  warm(file);
  before = load();
  const jsonLines = excensus(
    'ingest',
    file,
    '--no-store',
    '--json',
    '--as-of',
    AS_OF,
    '--quiet',
    '-o',
    jsonOut,
  );
  const printed = countLines(jsonOut);
  if (printed !== nostore.records) {
    process.stderr.write(
      `bench: ingest --no-store --json printed ${printed} lines for ${nostore.records} records\n`,
    );
    process.exit(1);
  }
  rmSync(jsonOut, { force: true });
  rows.push({ name: ROW.json, ...jsonLines, load: before });

  const db = join(work, 'bench.db');
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  warm(file);
  before = load();
  const ingest = excensus('ingest', file, '--db', db, '--as-of', AS_OF, '--quiet', '-o', '/dev/null');
  const report = excensus('report', '--db', db, '--by', 'country', '--as-of', AS_OF, '-o', '/dev/null');
  rows.push({
    name: ROW.stored,
    ms: ingest.ms + report.ms,
    cpuMs: ingest.cpuMs + report.cpuMs,
    maxRssMb: Math.max(ingest.maxRssMb, report.maxRssMb),
    load: before,
  });
  const dbMb = statSync(db).size / 1e6;

  const peers: Record<string, PeerCounts> = {};
  if (!args.includes('--no-peers')) {
    warm(file);
    before = load();
    for (const schema of ['declared', 'detected'] as const) {
      if (schema === 'detected') {
        warm(file);
        before = load();
      }
      const duck = await runDuckDb(file, schema);
      if (!duck) {
        process.stderr.write('bench: DuckDB not available; skipped\n');
        break;
      }
      peers[DUCK_ROW[schema]] = duck;
      rows.push({ name: DUCK_ROW[schema], ms: duck.ms, load: before });
    }
    warm(file);
    before = load();
    const jq = runJq(file);
    if (jq) {
      peers.jq = jq;
      rows.push({ name: 'jq', ms: jq.ms, load: before });
    }
  }
  return { rows, nostore, peers, dbMb, ingestCpuMs: ingest.cpuMs };
}

function median(xs: Array<number | undefined> | undefined): number | undefined {
  const v = (xs ?? []).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
}

/** Lines in a file, read in pieces. */
function countLines(path: string): number {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  let n = 0;
  try {
    for (let got = readSync(fd, buf); got > 0; got = readSync(fd, buf))
      for (let i = buf.indexOf(10, 0); i >= 0 && i < got; i = buf.indexOf(10, i + 1)) n++;
  } finally {
    closeSync(fd);
  }
  return n;
}
