// Ingest benchmark: a synthetic Shodan NDJSON file (bench/gen-shodan.ts), judged end to end by
// ingestFiles — the `excensus ingest` code path: read, pre-filter, sniff or parse, judge and
// classify every record, host records handed to a sink — where the sink does the bench task
// (records per country + histogram of Exchange builds) instead of formatting output lines. The
// same task is timed with jq and DuckDB in the same run. Each measurement prints the machine's
// load average (/proc/loadavg) before it: the CPU is shared, so compare ratios, not absolutes.
// Usage: node --import tsx bench/ingest.ts [--records N] [--workers N[,N...]|auto] [--no-peers] [--tsx]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { warm } from './warm.js';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateShodanFile } from './gen-shodan.js';
import { runDuckDb, runJq } from './peers.js';
import { nativeScanStatus } from '../src/ingest/fast/native-scan.js';
import { commandV8Flags } from '../bin/v8-flags.js';

interface TaskResult {
  name: string;
  ms: number;
  countries: Record<string, number>;
  builds: Record<string, number>;
  maxRssMb?: number;
}

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};

// Our run, in its own process so peak RSS is ours alone. The same script body serves both the
// compiled build (what `excensus` runs: dist JS) and, with --tsx, the TypeScript sources.
const CHILD = `
const [pipelineUrl, file, workersArg] = process.argv.slice(2);
const workers = workersArg === 'auto' ? 'auto' : Number(workersArg);
const { ingestFiles } = await import(pipelineUrl);
const countries = {};
const builds = {};
const t0 = performance.now();
const cpu0 = process.cpuUsage();
// the options \`excensus ingest --no-store\` passes (with a store, observations are kept and plain records counted: bench/ingest-store.ts)
const summary = await ingestFiles([file], { asOf: '2024-06-01', workers, keepObservations: false, defaultTimestamp: '2024-06-01T00:00:00Z' }, async (batch) => {
  for (const h of batch) {
    const c = h.record.geo?.country ?? '';
    countries[c] = (countries[c] ?? 0) + 1;
    const b = h.record.isExchange ? h.record.evidence.build : undefined;
    if (b) builds[b] = (builds[b] ?? 0) + 1;
  }
});
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const maxRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify({ name: 'excensus --workers ' + workersArg, ms, cpuMs: (cpu.user + cpu.system) / 1000, countries, builds, maxRssMb, records: summary.records, problems: summary.problemCount }) + '\\n');
`;

/** Compiles src/ into a temporary dist (data/ and node_modules linked in); null if that fails. */
function buildDist(): string | null {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const out = join(tmpdir(), 'excensus-bench-dist');
  rmSync(out, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', out], {
    stdio: 'ignore',
  });
  if (!existsSync(join(out, 'src/ingest/pipeline.js'))) return null;
  symlinkSync(join(root, 'data'), join(out, 'data'));
  symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'));
  if (existsSync(join(root, 'native'))) symlinkSync(join(root, 'native'), join(out, 'native'));
  writeFileSync(join(out, 'child.mjs'), CHILD);
  return out;
}

const records = Number(opt('records', '200000'));
const workers = opt('workers', 'auto');
const file = join(tmpdir(), `excensus-bench-shodan-${records}-seed1.jsonl`);
if (!existsSync(file)) {
  process.stderr.write(`bench: generating ${records} records into ${file}...\n`);
  await generateShodanFile(file, records, 1);
}
const bytes = statSync(file).size;
process.stdout.write(`input: ${records} records, ${(bytes / 1e6).toFixed(0)} MB (${file})\n`);

const results: TaskResult[] = [];
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const loads = new Map<string, string>();
const dist = args.includes('--tsx') ? null : buildDist();
let childFile: string;
let pipelineUrl: string;
const childArgs: string[] = [];
if (dist) {
  process.stdout.write('excensus: compiled build (dist JS, as the published binary runs)\n');
  process.stdout.write(`pre-filter scanner: ${nativeScanStatus()}\n`);
  childFile = join(dist, 'child.mjs');
  pipelineUrl = pathToFileURL(join(dist, 'src/ingest/pipeline.js')).href;
} else {
  process.stdout.write(
    'excensus: TypeScript sources through tsx (adds a loader thread per worker: more RSS and CPU)\n',
  );
  childFile = join(tmpdir(), 'excensus-bench-child.mjs');
  writeFileSync(childFile, CHILD);
  pipelineUrl = new URL('../src/ingest/pipeline.ts', import.meta.url).href;
  childArgs.push('--import', 'tsx');
}
const ours: Array<TaskResult & { records: number; problems: number; cpuMs: number }> = [];
for (const w of workers.split(',')) {
  warm(file);
  const before = load();
  // the V8 flags bin/excensus.js gives `ingest`: measure what users run
  const child = spawnSync(
    process.execPath,
    [...commandV8Flags.ingest, ...childArgs, childFile, pipelineUrl, file, w],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  if (child.status !== 0) {
    process.stderr.write(child.stderr);
    process.exit(1);
  }
  const r = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as TaskResult & {
    records: number;
    problems: number;
    cpuMs: number;
  };
  ours.push(r);
  results.push(r);
  loads.set(r.name, before);
  process.stdout.write(
    `${r.name}: CPU time ${(r.cpuMs / 1000).toFixed(2)} s (all threads): ${Math.round(records / (r.cpuMs / 1000)).toLocaleString('en-US')} records per CPU-second\n`,
  );
}
const best = ours.reduce((x, y) => (y.ms < x.ms ? y : x));

if (!args.includes('--no-peers')) {
  warm(file);
  loads.set('jq', load());
  const jq = runJq(file);
  if (jq) results.push({ name: 'jq', ...jq });
  warm(file);
  loads.set('duckdb', load());
  const duck = await runDuckDb(file);
  if (duck) results.push({ name: 'duckdb', ...duck });
  else process.stderr.write('bench: DuckDB not available; skipped\n');
}

const canon = (o: Record<string, number>) =>
  JSON.stringify(Object.entries(o).sort(([x], [y]) => x.localeCompare(y)));
for (const r of results) {
  const sec = r.ms / 1000;
  const agree = canon(r.countries) === canon(best.countries) && canon(r.builds) === canon(best.builds);
  process.stdout.write(
    `${r.name.padEnd(24)} ${sec.toFixed(2).padStart(7)} s  ${Math.round(records / sec)
      .toLocaleString('en-US')
      .padStart(9)} records/s  ${(bytes / 1e6 / sec).toFixed(0).padStart(5)} MB/s` +
      `${r.maxRssMb !== undefined ? `  peak RSS ${r.maxRssMb.toFixed(0)} MB` : ''}${r === best ? '' : `  same counts: ${agree ? 'yes' : 'NO'}`}  (load before: ${loads.get(r.name) ?? '?'})\n`,
  );
}
for (const o of ours)
  for (const r of results)
    if (!r.name.startsWith('excensus'))
      process.stdout.write(`${o.name} speed / ${r.name} speed = ${(r.ms / o.ms).toFixed(2)}x\n`);
process.stdout.write(
  `Exchange builds (excensus): ${Object.values(best.builds).reduce((x, y) => x + y, 0)} servers, ${Object.keys(best.builds).length} builds; countries: ${Object.keys(best.countries).length}; problems: ${best.problems}\n`,
);
process.stdout.write(
  `targets: >= 150,000 records/s, >= 0.8x DuckDB, >= 10x jq, peak RSS < 300 MB (load average after the run: ${load()})\n`,
);
