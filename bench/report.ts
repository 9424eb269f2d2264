// Report benchmark (not a test): times `excensus report` outputs, the host CSV export, diff and
// notify over a store. Usage: node --import tsx bench/report.ts [--db PATH] [--size N]
// Without --db it first builds a store with bench/census.ts (same synthetic fleet, N records).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openStore } from '../src/store/index.js';
import { writeReport, writeHostsCsv, type ReportOptions } from '../src/run/report.js';
import { writeDiff } from '../src/run/diff.js';
import { writeBundles } from '../src/report/notify.js';
import { GEO_ATTRIBUTION } from '../src/geo/index.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    size: { type: 'string', default: '1000000' },
    'census-only': { type: 'boolean' },
  },
});
const tmp = mkdtempSync(join(tmpdir(), 'excensus-bench-report-'));
let dbPath = values.db;
if (!dbPath) {
  dbPath = join(tmp, 'census.db');
  const census = fileURLToPath(new URL('./census.ts', import.meta.url));
  const res = spawnSync(
    process.execPath,
    ['--import', 'tsx', census, '--size', values.size, '--db', dbPath, '--keep'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (res.status !== 0) throw new Error('bench/census.ts failed');
}

/** Counts bytes instead of keeping them. */
function sink(): Writable & { bytes: number } {
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      w.bytes += chunk.length;
      cb();
    },
  }) as Writable & { bytes: number };
  w.bytes = 0;
  return w;
}

const store = await openStore(dbPath);
const scans = await store.listScans();
const scan = scans.at(-1);
if (!scan) throw new Error('store has no scans');
const asOf = '2025-11-23';
const base: ReportOptions = {
  scan: String(scan.id),
  groupBy: [],
  filter: {},
  asOf,
  asOfGiven: true,
  format: 'table',
  trend: false,
  topCountries: 10,
};
console.log(
  `store: ${dbPath} — scan "${scan.name}" with ${scan.counts.hosts.toLocaleString('en-US')} records`,
);

async function time(label: string, f: () => Promise<string>): Promise<void> {
  const t = performance.now();
  const extra = await f();
  console.log(`  ${label.padEnd(36)} ${(performance.now() - t).toFixed(0).padStart(7)} ms  ${extra}`);
}

await time('headline census (table)', async () => {
  const o = sink();
  await writeReport(store, base, o);
  return `${o.bytes} bytes (target < 1000 ms)`;
});
await time('headline census (--json)', async () => {
  const o = sink();
  await writeReport(store, { ...base, format: 'json' }, o);
  return `${o.bytes} bytes`;
});
await time('HTML report (map, charts, trend)', async () => {
  const o = sink();
  await writeReport(store, { ...base, format: 'html' }, o);
  return `${(o.bytes / 1024).toFixed(0)} KiB`;
});
await time('--by continent,country --json', async () => {
  const o = sink();
  await writeReport(store, { ...base, groupBy: ['continent', 'country'], format: 'json' }, o);
  return `${o.bytes} bytes`;
});
await time('--by asn --json (with asn_org)', async () => {
  const o = sink();
  await writeReport(store, { ...base, groupBy: ['asn'], format: 'json' }, o);
  return `${o.bytes} bytes`;
});
if (values['census-only']) {
  await store.close();
  rmSync(tmp, { recursive: true, force: true });
  process.exit(0);
}
await time('host CSV export', async () => {
  const t = performance.now();
  const n = await writeHostsCsv(store, { scan: String(scan.id), filter: {}, asOf }, sink());
  return `${n.toLocaleString('en-US')} rows, ${Math.round(n / ((performance.now() - t) / 1000)).toLocaleString('en-US')} rows/s`;
});
await time('notify --by asn', async () => {
  const t = performance.now();
  const r = await writeBundles(store, scan.id, {
    by: 'asn',
    outDir: join(tmp, 'notify'),
    asOf,
    all: false,
    attribution: GEO_ATTRIBUTION,
    scanName: scan.name,
  });
  return `${r.owners.toLocaleString('en-US')} bundles, ${r.hosts.toLocaleString('en-US')} hosts, ${Math.round((r.hosts + r.skipped) / ((performance.now() - t) / 1000)).toLocaleString('en-US')} records/s`;
});
await time('diff (scan against itself)', async () => {
  const d = await writeDiff(
    store,
    { scanA: String(scan.id), scanB: String(scan.id), asOf, json: true, all: false },
    sink(),
  );
  return `${d.changes.length.toLocaleString('en-US')} hosts compared`;
});
await store.close();
rmSync(tmp, { recursive: true, force: true });
