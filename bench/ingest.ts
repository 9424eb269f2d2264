// Ingest benchmark: a synthetic Shodan NDJSON file (bench/gen-shodan.ts), judged end to end by
// ingestFiles (the `excensus ingest` code path, 2 worker threads, anchor pre-filter), with the
// same task — records per country + histogram of Exchange builds — timed with jq and DuckDB.
// Usage: node --import tsx bench/ingest.ts [--records N] [--workers N] [--no-peers] [--tsx]
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateShodanFile } from './gen-shodan.js';
import { ensureApt, loadDuckDb } from './peers.js';

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
const [pipelineUrl, file, workers] = process.argv.slice(2);
const { ingestFiles } = await import(pipelineUrl);
const countries = {};
const builds = {};
const t0 = performance.now();
const cpu0 = process.cpuUsage();
// the options \`excensus ingest --workers N\` passes (observations are kept only for the store)
const summary = await ingestFiles([file], { asOf: '2024-06-01', workers: Number(workers), keepObservations: false, defaultTimestamp: '2024-06-01T00:00:00Z' }, async (batch) => {
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
process.stdout.write(JSON.stringify({ name: 'excensus', ms, cpuMs: (cpu.user + cpu.system) / 1000, countries, builds, maxRssMb, records: summary.records, problems: summary.problemCount }) + '\\n');
`;

/** Compiles src/ into a temporary dist (data/ and node_modules linked in); null if that fails. */
function buildDist(): string | null {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const out = join(tmpdir(), 'excensus-bench-dist');
  rmSync(out, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', out], { stdio: 'ignore' });
  if (!existsSync(join(out, 'src/ingest/pipeline.js'))) return null;
  symlinkSync(join(root, 'data'), join(out, 'data'));
  symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'));
  writeFileSync(join(out, 'child.mjs'), CHILD);
  return out;
}

const records = Number(opt('records', '200000'));
const workers = opt('workers', '2');
const file = join(tmpdir(), `excensus-bench-shodan-${records}-seed1.jsonl`);
if (!existsSync(file)) {
  process.stderr.write(`bench: generating ${records} records into ${file}...\n`);
  await generateShodanFile(file, records, 1);
}
const bytes = statSync(file).size;
process.stdout.write(`input: ${records} records, ${(bytes / 1e6).toFixed(0)} MB (${file})\n`);

const results: TaskResult[] = [];
const dist = args.includes('--tsx') ? null : buildDist();
let child;
if (dist) {
  process.stdout.write('excensus: compiled build (dist JS, as the published binary runs)\n');
  child = spawnSync(process.execPath, [join(dist, 'child.mjs'), pathToFileURL(join(dist, 'src/ingest/pipeline.js')).href, file, workers], { encoding: 'utf8', maxBuffer: 64 << 20 });
} else {
  process.stdout.write('excensus: TypeScript sources through tsx (adds a loader thread per worker: more RSS and CPU)\n');
  const childFile = join(tmpdir(), 'excensus-bench-child.mjs');
  writeFileSync(childFile, CHILD);
  const src = new URL('../src/ingest/pipeline.ts', import.meta.url).href;
  child = spawnSync(process.execPath, ['--import', 'tsx', childFile, src, file, workers], { encoding: 'utf8', maxBuffer: 64 << 20 });
}
if (child.status !== 0) {
  process.stderr.write(child.stderr);
  process.exit(1);
}
const ours = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as TaskResult & { records: number; problems: number; cpuMs: number };
results.push(ours);
process.stdout.write(`excensus CPU time ${(ours.cpuMs / 1000).toFixed(2)} s (all threads): ${Math.round(records / (ours.cpuMs / 1000)).toLocaleString('en-US')} records per CPU-second\n`);

if (!args.includes('--no-peers')) {
  if (ensureApt('jq')) {
    const prog = 'reduce inputs as $r ({c: {}, b: {}}; .c[$r.location.country_code // ""] += 1 | ((($r.data // "") | capture("X-OWA-Version: (?<v>[0-9.]+)")? | .v) // null) as $v | if $v then .b[$v] += 1 else . end)';
    const t0 = performance.now();
    const jq = spawnSync('jq', ['-n', '-c', prog, file], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const ms = performance.now() - t0;
    if (jq.status === 0) {
      const o = JSON.parse(jq.stdout) as { c: Record<string, number>; b: Record<string, number> };
      results.push({ name: 'jq', ms, countries: o.c, builds: o.b });
    } else process.stderr.write(`bench: jq failed: ${jq.stderr}\n`);
  }
  const duck = await loadDuckDb();
  if (duck) {
    const db = await duck.DuckDBInstance.create(':memory:', { threads: '2' });
    const con = await db.connect();
    const t0 = performance.now();
    const sql = `SELECT location.country_code AS c, regexp_extract(data, 'X-OWA-Version: ([0-9.]+)', 1) AS b, count(*) AS n
      FROM read_json('${file.replace(/'/g, "''")}', format = 'newline_delimited', columns = {location: 'STRUCT(country_code VARCHAR)', data: 'VARCHAR'}, maximum_object_size = 16777216)
      GROUP BY ALL`;
    const rows = (await con.runAndReadAll(sql)).getRows();
    const ms = performance.now() - t0;
    const countries: Record<string, number> = {};
    const builds: Record<string, number> = {};
    for (const [c, b, n] of rows) {
      countries[String(c ?? '')] = (countries[String(c ?? '')] ?? 0) + Number(n);
      if (b) builds[String(b)] = (builds[String(b)] ?? 0) + Number(n);
    }
    results.push({ name: 'duckdb', ms, countries, builds });
  } else process.stderr.write('bench: DuckDB not available; skipped\n');
}

const canon = (o: Record<string, number>) => JSON.stringify(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
for (const r of results) {
  const s = r.ms / 1000;
  const agree = canon(r.countries) === canon(ours.countries) && canon(r.builds) === canon(ours.builds);
  process.stdout.write(
    `${r.name.padEnd(9)} ${s.toFixed(2).padStart(7)} s  ${Math.round(records / s).toLocaleString('en-US').padStart(9)} records/s  ${(bytes / 1e6 / s).toFixed(0).padStart(5)} MB/s` +
      `${r.maxRssMb !== undefined ? `  peak RSS ${r.maxRssMb.toFixed(0)} MB` : ''}${r === ours ? '' : `  same counts as excensus: ${agree ? 'yes' : 'NO'}`}\n`,
  );
}
for (const r of results) if (r !== ours) process.stdout.write(`excensus speed / ${r.name} speed = ${(r.ms / ours.ms).toFixed(2)}x\n`);
process.stdout.write(`Exchange builds (excensus): ${Object.values(ours.builds).reduce((a, b) => a + b, 0)} servers, ${Object.keys(ours.builds).length} builds; countries: ${Object.keys(ours.countries).length}; problems: ${ours.problems}\n`);
process.stdout.write(`targets: >= 150,000 records/s, >= 0.8x DuckDB, >= 10x jq, peak RSS < 300 MB (machine load during this run: ${(await import('node:os')).loadavg()[0]!.toFixed(1)})\n`);
