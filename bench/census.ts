// Census benchmark (not a test): fills a SQLite store with N realistic host records and times
// the headline census. Usage: node --import tsx bench/census.ts [--size N] [--db PATH] [--keep]
//   [--reuse] (query the latest scan of an existing --db instead of filling one)
//   [--busy] (keep the other core busy with a spinning child process while querying)
// Product mix, end-of-support dates and CVE families follow /work/shared/reference/exchange-*.csv
// and the December-2023 study shares (2013 and 2016 dominant, a tail of 2007/2010).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { countries } from 'countries-list';
import { openStore } from '../src/store/index.js';
import type { CensusFilter, GroupKey, StoredHost } from '../src/store/store.js';
import type { HostRecord } from '../src/core/host-record.js';
import type { VulnVerdict } from '../src/core/classification.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1000000' },
    db: { type: 'string' },
    keep: { type: 'boolean' },
    reuse: { type: 'boolean' },
    busy: { type: 'boolean' },
  },
});
const size = Number(values.size);
const dir = values.db ? null : mkdtempSync(join(tmpdir(), 'excensus-bench-'));
const dbPath = values.db ?? join(dir as string, 'census.db');

// Deterministic PRNG so every run measures the same data.
let seed = 0x2545f491;
const rand = (): number => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

const products = [
  {
    name: 'Exchange Server 2007',
    build: '8.3.',
    eol: '2017-04-11',
    share: 0.01,
    cus: ['SP3 RU23'],
    fam: ['ProxyLogon'],
  },
  {
    name: 'Exchange Server 2010',
    build: '14.3.',
    eol: '2020-10-13',
    share: 0.1,
    cus: ['SP3 RU30', 'SP3 RU31', 'SP3 RU32'],
    fam: ['ProxyLogon'],
  },
  {
    name: 'Exchange Server 2013',
    build: '15.0.',
    eol: '2023-04-11',
    share: 0.3,
    cus: ['CU21', 'CU22', 'CU23', 'CU23 Mar23SU'],
    fam: ['ProxyLogon', 'ProxyShell', 'ProxyToken', 'ProxyNotShell', 'OWASSRF'],
  },
  {
    name: 'Exchange Server 2016',
    build: '15.1.',
    eol: '2025-10-14',
    share: 0.33,
    cus: ['CU19', 'CU22', 'CU23', 'CU23 Nov22SU', 'CU23 Apr25HU'],
    fam: ['ProxyLogon', 'ProxyShell', 'ProxyToken', 'ProxyNotShell', 'OWASSRF'],
  },
  {
    name: 'Exchange Server 2019',
    build: '15.2.',
    eol: '2025-10-14',
    share: 0.22,
    cus: ['CU11', 'CU12', 'CU13', 'CU14', 'CU15 Jul25SU'],
    fam: ['ProxyShell', 'ProxyNotShell', 'OWASSRF'],
  },
  {
    name: 'Exchange Server SE',
    build: '15.2.',
    eol: null,
    share: 0.04,
    cus: ['RTM', 'RTM Oct25SU'],
    fam: [],
  },
];
const countryCodes = Object.keys(countries);
// A heavy head (the study's top countries) and a long tail.
const headCountries = [
  'DE',
  'US',
  'GB',
  'FR',
  'IT',
  'NL',
  'AT',
  'CH',
  'RU',
  'JP',
  'CN',
  'BR',
  'PL',
  'ES',
  'KR',
];

function makeHost(i: number): StoredHost {
  const ip = `${1 + (i >>> 24)}.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
  const country = rand() < 0.8 ? pick(headCountries) : pick(countryCodes);
  const continent = (countries as Record<string, { continent: string }>)[country]?.continent ?? null;
  const asn = 1000 + Math.floor(rand() ** 3 * 30000);
  const roll = rand();
  const status = roll < 0.9 ? 'exchange' : roll < 0.93 ? 'suspect' : roll < 0.97 ? 'not-exchange' : 'timeout';
  let classification: HostRecord['classification'] = null;
  if (status === 'exchange' || status === 'suspect') {
    let r = rand();
    const p = products.find((x) => (r -= x.share) < 0) ?? products[3]!;
    const cu = pick(p.cus);
    const vulns: VulnVerdict[] = p.fam.flatMap((family: string, k: number): VulnVerdict[] => {
      const v = rand();
      return v < 0.15
        ? [{ cve: `CVE-2021-${30000 + k}`, family, status: 'vulnerable' }]
        : v < 0.3
          ? [{ cve: `CVE-2022-${40000 + k}`, family, status: 'likely' }]
          : [];
    });
    const build = `${p.build}${1000 + Math.floor(rand() * 2000)}.${Math.floor(rand() * 40)}`;
    classification = {
      build,
      precision: 'full',
      product: p.name,
      onPremises: true,
      release: `${p.name} ${cu}`,
      releaseKind: 'CU',
      releaseDate: '2022-01-01',
      exact: true,
      eol: false,
      eolDate: p.eol,
      daysPastEol: null,
      vulns,
      recommendation: 'Update to the latest CU and SU.',
    };
  }
  const record: HostRecord = {
    ip,
    port: 443,
    source: 'shodan',
    timestamp: '2025-11-20T00:00:00Z',
    status,
    isExchange: status === 'exchange',
    suspect: status === 'suspect',
    evidence: {
      exchange: status === 'exchange' ? 'yes' : status === 'suspect' ? 'suspect' : 'no',
      confidence: 'high',
      suspectReasons: [],
      signals: [],
      serverNames: [],
      ...(classification ? { build: classification.build, precision: 'full' as const } : {}),
    },
    classification,
    geo: { country, ...(continent ? { continent } : {}), source: 'source' },
    asn: { number: asn, org: `Network ${asn}`, source: 'embedded' },
  };
  return { record };
}

const store = await openStore(dbPath);
let scanId: number;
let records = size;
const reused = values.reuse ? await store.latestScan() : null;
if (values.reuse && !reused) throw new Error(`--reuse: no scan in ${dbPath}`);
if (reused) {
  scanId = reused.id;
  const t0 = performance.now();
  // a census query rebuilds stale cubes (e.g. after a migration); getScan only reads counts
  await store.census({ scanId, groupBy: [], asOf: '2024-01-01' });
  records = (await store.getScan(scanId))?.counts.hosts ?? 0;
  console.log(
    `reusing scan "${reused.name}" (${records} records); cube check/rebuild ${(performance.now() - t0).toFixed(0)} ms`,
  );
} else {
  scanId = await store.createScan({
    name: `bench-${Date.now()}`,
    kind: 'ingest',
    source: 'shodan',
    series: 'bench',
    startedAt: new Date().toISOString(),
    inputs: [],
    options: { size },
  });
  const t0 = performance.now();
  const BATCH = 5000;
  for (let i = 0; i < size; i += BATCH) {
    const batch: StoredHost[] = [];
    for (let j = i; j < Math.min(size, i + BATCH); j++) batch.push(makeHost(j));
    await store.addHosts(scanId, batch);
  }
  const fillMs = performance.now() - t0;
  const t1 = performance.now();
  const cpu1 = process.cpuUsage();
  await store.finishScan(scanId, 'complete');
  const finishMs = performance.now() - t1;
  const finishCpu = process.cpuUsage(cpu1);
  console.log(
    `filled ${size} host records in ${(fillMs / 1000).toFixed(1)} s (${Math.round(size / (fillMs / 1000))} records/s); finishScan (census cubes) ${finishMs.toFixed(0)} ms, CPU ${((finishCpu.user + finishCpu.system) / 1000).toFixed(0)} ms`,
  );
}

// A spinning child process stands in for a busy machine (the other core taken).
const spinner = values.busy ? spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }) : null;
if (spinner) await new Promise((r) => setTimeout(r, 300));
const asOf = '2025-11-23';
type Q = { label: string; groupBy: GroupKey[]; filter?: CensusFilter };
async function timeQueries(title: string, qs: Q[]): Promise<number> {
  const t0 = performance.now();
  for (const q of qs) {
    const q0 = performance.now();
    const rows = await store.census({
      scanId,
      groupBy: q.groupBy,
      asOf,
      ...(q.filter ? { filter: q.filter } : {}),
    });
    console.log(
      `  ${q.label.padEnd(30)} ${rows.length.toString().padStart(6)} rows  ${(performance.now() - q0).toFixed(0).padStart(5)} ms`,
    );
  }
  const ms = performance.now() - t0;
  console.log(`${title}: ${ms.toFixed(0)} ms`);
  return ms;
}
console.log(`queries over ${records} records${spinner ? ' (other core busy)' : ''}:`);
await timeQueries('headline census (target < 1000 ms)', [
  { label: 'totals + per-family counts', groupBy: [] },
  { label: 'by continent', groupBy: ['continent'] },
  { label: 'by country', groupBy: ['country'] },
  { label: 'by product', groupBy: ['product'] },
  { label: 'by family', groupBy: ['family'] },
]);
await timeQueries('report headline query', [
  { label: 'product x continent x country', groupBy: ['product', 'continent', 'country'] },
]);
await timeQueries('networks (target ~1000 ms)', [
  { label: 'by asn', groupBy: ['asn'] },
  { label: 'by asn, EOL only', groupBy: ['asn'], filter: { eol: true } },
  { label: 'by asn and product', groupBy: ['asn', 'product'] },
  {
    label: 'filter asn (10 networks)',
    groupBy: ['product'],
    filter: { asn: [1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009] },
  },
  { label: 'by asn, family ProxyShell', groupBy: ['asn'], filter: { family: ['ProxyShell'] } },
]);
// the dashboard's drill from a country to its networks
await timeQueries("a country's networks", [
  { label: 'by asn, country US', groupBy: ['asn'], filter: { country: ['US'] } },
  { label: 'by asn, country DE, EOL only', groupBy: ['asn'], filter: { country: ['DE'], eol: true } },
]);
if (spinner) spinner.kill();
await store.close();
if (dir && !values.keep) rmSync(dir, { recursive: true, force: true });
