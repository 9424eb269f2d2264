// Ingest-into-the-store benchmark (issue 4: "ingest of a 1M-record Shodan file into the store keeps
// the ingest benchmark's rate within 70%"). For each size, in one run and each in its own process:
//   pipeline: ingestFiles with a counting sink (what bench/ingest.ts times), and
//   store:    the same file through `excensus ingest`'s store path: ingestFiles (observations kept)
//             + Recorder (geo fill, batches into a fresh SQLite file) + finishScan (census cubes).
// Prints both rates, store/pipeline (target >= 0.70), peak RSS, the database size, and the load
// average before each measurement (the CPU is shared: compare ratios, not absolutes).
//   store-rows (with --rows): the same with --plain-rows, a hosts row for every record.
// Usage: node --import tsx bench/ingest-store.ts [--records 200000,1000000] [--repeat N] [--workers auto] [--rows] [--tsx]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateShodanFile } from './gen-shodan.js';
import { warm } from './warm.js';
import { commandV8Flags } from '../bin/v8-flags.js';

interface Run {
  mode: string;
  ms: number;
  /** CPU time of every thread of the process. */
  cpuMs: number;
  finishMs: number;
  records: number;
  stored: number;
  maxRssMb: number;
  dbMb: number;
}

const CHILD = `
const [root, mode, file, workersArg, dbPath] = process.argv.slice(2);
const workers = workersArg === 'auto' ? 'auto' : Number(workersArg);
const { ingestFiles } = await import(root + '/ingest/pipeline.js');
// store: what \`excensus ingest\` does by default (plain records counted by the readers);
// store-rows: with --plain-rows (a row for every record)
// (as \`excensus ingest\` without --json: records stored, none printed as JSON)
const opts = { asOf: '2024-06-01', workers, keepObservations: mode !== 'pipeline', tallyPlain: mode === 'store', encodedColumns: mode !== 'pipeline', defaultTimestamp: '2024-06-01T00:00:00Z' };
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let finishMs = 0;
let lastCommit = 0;
let stored = 0;
let summary;
if (mode === 'pipeline') {
  const countries = {};
  summary = await ingestFiles([file], opts, async (batch) => {
    for (const h of batch) { const c = h.record.geo?.country ?? ''; countries[c] = (countries[c] ?? 0) + 1; }
  });
} else {
  // the use-case function \`excensus ingest\` calls: it decides how records travel to the store
  const { openStore } = await import(root + '/store/index.js');
  const { ingestIntoStore } = await import(root + '/run/ingest.js');
  const store = await openStore(dbPath);
  const res = await ingestIntoStore({ files: [file], asOf: '2024-06-01', workers, store, name: 'bench', series: 'bench', output: 'none', plainRows: mode === 'store-rows', now: '2024-06-01T00:00:00Z' }, { onCommit: () => { lastCommit = performance.now(); } });
  // finishing the scan (census cubes, state) = the time after the last batch committed
  finishMs = lastCommit ? performance.now() - lastCommit : 0;
  summary = res.summary;
  // records in the scan: distinct targets for rows (the last record of an ip:port wins), counted records as read
  stored = (await store.getScan('bench')).counts.hosts;
  await store.close();
}
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(JSON.stringify({ mode, ms, cpuMs: (cpu.user + cpu.system) / 1000, finishMs, records: summary.records, stored, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\\n');
`;

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const srcRoot = fileURLToPath(new URL('../', import.meta.url));
// a directory of this run's own: two runs at once (a test beside a benchmark) never share one
const work = mkdtempSync(join(tmpdir(), 'excensus-bench-ingest-store-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

/** The compiled build (what `excensus` runs), or the TypeScript sources through tsx with --tsx. */
function prepare(): { root: string; node: string[] } {
  if (!args.includes('--tsx')) {
    const out = join(work, 'dist');
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    spawnSync(process.execPath, [tsc, '-p', join(srcRoot, 'tsconfig.build.json'), '--outDir', out], {
      stdio: 'ignore',
    });
    if (existsSync(join(out, 'src/ingest/pipeline.js'))) {
      symlinkSync(join(srcRoot, 'data'), join(out, 'data'));
      symlinkSync(join(srcRoot, 'node_modules'), join(out, 'node_modules'));
      if (existsSync(join(srcRoot, 'native'))) symlinkSync(join(srcRoot, 'native'), join(out, 'native'));
      process.stdout.write('excensus: compiled build (dist JS, as the published binary runs)\n');
      return { root: pathToFileURL(join(out, 'src')).href, node: [] };
    }
    process.stdout.write('bench: the build failed; running the TypeScript sources through tsx\n');
  }
  return { root: pathToFileURL(join(srcRoot, 'src')).href.replace(/\/$/, ''), node: ['--import', 'tsx'] };
}

const { root, node } = prepare();
const childFile = join(work, 'child.mjs');
writeFileSync(childFile, node.length ? CHILD.replaceAll(".js'", ".ts'") : CHILD);
const workers = opt('workers', 'auto');
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const repeat = Math.max(1, Math.floor(Number(opt('repeat', '1'))) || 1);
const ratios: string[] = [];

/** One run of `mode` in its own process, printed as it ends. */
function measure(mode: string, records: number, file: string): Run {
  const db = join(work, `store-${records}.db`);
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  warm(file);
  const before = load();
  // the V8 flags bin/excensus.js gives `ingest`: measure what users run
  const child = spawnSync(
    process.execPath,
    [...commandV8Flags.ingest, ...node, childFile, root, mode, file, workers, db],
    { encoding: 'utf8', maxBuffer: 16 << 20 },
  );
  if (child.status !== 0) {
    process.stderr.write(
      `bench: the ${mode} run exited with ${child.status ?? child.signal}\n${child.stderr}`,
    );
    process.exit(1);
  }
  const r = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Run;
  r.dbMb = mode !== 'pipeline' ? statSync(db).size / 1e6 : 0;
  process.stdout.write(
    `${mode.padEnd(9)} ${(r.ms / 1000).toFixed(2).padStart(7)} s  ${fmt(r.records / (r.ms / 1000)).padStart(9)} records/s  CPU ${(r.cpuMs / 1000).toFixed(2)} s  peak RSS ${r.maxRssMb.toFixed(0)} MB` +
      (mode !== 'pipeline'
        ? `  finishScan ${(r.finishMs / 1000).toFixed(2)} s  ${fmt(r.stored)} stored  db ${r.dbMb.toFixed(0)} MB (${fmt((r.dbMb * 1e6) / r.records)} B/record)`
        : '') +
      `  (load before: ${before})\n`,
  );
  return r;
}
for (const records of opt('records', '200000,1000000').split(',').map(Number)) {
  const file = join(tmpdir(), `excensus-bench-shodan-${records}-seed1.jsonl`);
  if (!existsSync(file)) {
    process.stderr.write(`bench: generating ${records} records into ${file}...\n`);
    await generateShodanFile(file, records, 1);
  }
  process.stdout.write(
    `\ninput: ${fmt(records)} records, ${(statSync(file).size / 1e6).toFixed(0)} MB (${file})\n`,
  );
  // --repeat N: N pipeline/store pairs in turn (this machine's speed drifts between runs: a pair's
  // ratio is steadier than any single time, and the median of several steadier still; --rows ratios
  // are printed per pair, not in the median)
  const pairRatios: number[] = [];
  for (let pair = 0; pair < repeat; pair++) {
    if (repeat > 1) process.stdout.write(`pair ${pair + 1} of ${repeat}\n`);
    const runs: Run[] = [];
    for (const mode of args.includes('--rows') ? ['pipeline', 'store', 'store-rows'] : ['pipeline', 'store'])
      runs.push(measure(mode, records, file));
    const [pipe, store, rows] = runs as [Run, Run, Run | undefined];
    const ratio = pipe.ms / store.ms;
    pairRatios.push(ratio);
    process.stdout.write(
      `store rate / pipeline rate = ${ratio.toFixed(2)} (target >= 0.70)${rows ? `; with --plain-rows ${(pipe.ms / rows.ms).toFixed(2)}` : ''}\n`,
    );
  }
  const sorted = [...pairRatios].sort((a, b) => a - b);
  const median =
    sorted.length % 2
      ? sorted[(sorted.length - 1) / 2]!
      : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  ratios.push(
    `${fmt(records)}: ${median.toFixed(2)}` +
      (repeat > 1
        ? ` (median of ${repeat} pairs, ${sorted[0]!.toFixed(2)}-${sorted.at(-1)!.toFixed(2)})`
        : ''),
  );
  for (const f of ['', '-wal', '-shm']) rmSync(join(work, `store-${records}.db${f}`), { force: true });
}
process.stdout.write(
  `\nstore/pipeline ratios: ${ratios.join(', ')} (target >= 0.70; load average after: ${load()})\n`,
);
