// Census benchmark (not a test): fills a SQLite store with N realistic host records and times
// the headline census. Usage: node --import tsx bench/census.ts [--size N] [--db PATH] [--keep]
// Product mix, end-of-support dates and CVE families follow /work/shared/reference/exchange-*.csv
// and the December-2023 study shares (2013 and 2016 dominant, a tail of 2007/2010).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { countries } from 'countries-list';
import { openStore } from '../src/store/index.js';
import type { StoredHost } from '../src/store/store.js';
import type { HostRecord } from '../src/core/host-record.js';
import type { VulnVerdict } from '../src/core/classification.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: '1000000' }, db: { type: 'string' }, keep: { type: 'boolean' } } });
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
  { name: 'Exchange Server 2007', build: '8.3.', eol: '2017-04-11', share: 0.01, cus: ['SP3 RU23'], fam: ['ProxyLogon'] },
  { name: 'Exchange Server 2010', build: '14.3.', eol: '2020-10-13', share: 0.1, cus: ['SP3 RU30', 'SP3 RU31', 'SP3 RU32'], fam: ['ProxyLogon'] },
  { name: 'Exchange Server 2013', build: '15.0.', eol: '2023-04-11', share: 0.3, cus: ['CU21', 'CU22', 'CU23', 'CU23 Mar23SU'], fam: ['ProxyLogon', 'ProxyShell', 'ProxyToken', 'ProxyNotShell', 'OWASSRF'] },
  { name: 'Exchange Server 2016', build: '15.1.', eol: '2025-10-14', share: 0.33, cus: ['CU19', 'CU22', 'CU23', 'CU23 Nov22SU', 'CU23 Apr25HU'], fam: ['ProxyLogon', 'ProxyShell', 'ProxyToken', 'ProxyNotShell', 'OWASSRF'] },
  { name: 'Exchange Server 2019', build: '15.2.', eol: '2025-10-14', share: 0.22, cus: ['CU11', 'CU12', 'CU13', 'CU14', 'CU15 Jul25SU'], fam: ['ProxyShell', 'ProxyNotShell', 'OWASSRF'] },
  { name: 'Exchange Server SE', build: '15.2.', eol: null, share: 0.04, cus: ['RTM', 'RTM Oct25SU'], fam: [] },
];
const countryCodes = Object.keys(countries);
// A heavy head (the study's top countries) and a long tail.
const headCountries = ['DE', 'US', 'GB', 'FR', 'IT', 'NL', 'AT', 'CH', 'RU', 'JP', 'CN', 'BR', 'PL', 'ES', 'KR'];

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
      return v < 0.15 ? [{ cve: `CVE-2021-${30000 + k}`, family, status: 'vulnerable' }] : v < 0.3 ? [{ cve: `CVE-2022-${40000 + k}`, family, status: 'likely' }] : [];
    });
    const build = `${p.build}${1000 + Math.floor(rand() * 2000)}.${Math.floor(rand() * 40)}`;
    classification = {
      build, precision: 'full', product: p.name, onPremises: true, release: `${p.name} ${cu}`, releaseKind: 'CU', releaseDate: '2022-01-01',
      exact: true, eol: false, eolDate: p.eol, daysPastEol: null, vulns, recommendation: 'Update to the latest CU and SU.',
    };
  }
  const record: HostRecord = {
    ip, port: 443, source: 'shodan', timestamp: '2025-11-20T00:00:00Z', status, isExchange: status === 'exchange', suspect: status === 'suspect',
    evidence: { exchange: status === 'exchange' ? 'yes' : status === 'suspect' ? 'suspect' : 'no', confidence: 'high', suspectReasons: [], signals: [], serverNames: [], ...(classification ? { build: classification.build, precision: 'full' as const } : {}) },
    classification,
    geo: { country, ...(continent ? { continent } : {}), source: 'source' },
    asn: { number: asn, org: `Network ${asn}`, source: 'embedded' },
  };
  return { record };
}

const store = await openStore(dbPath);
const scanId = await store.createScan({ name: `bench-${Date.now()}`, kind: 'ingest', source: 'shodan', series: 'bench', startedAt: new Date().toISOString(), inputs: [], options: { size } });
let t = performance.now();
const BATCH = 5000;
for (let i = 0; i < size; i += BATCH) {
  const batch: StoredHost[] = [];
  for (let j = i; j < Math.min(size, i + BATCH); j++) batch.push(makeHost(j));
  await store.addHosts(scanId, batch);
}
const fillMs = performance.now() - t;
t = performance.now();
await store.finishScan(scanId, 'complete');
const finishMs = performance.now() - t;
console.log(`filled ${size} host records in ${(fillMs / 1000).toFixed(1)} s (${Math.round(size / (fillMs / 1000))} records/s); finishScan (census summary) ${finishMs.toFixed(0)} ms`);

const asOf = '2025-11-23';
const headline = [
  { label: 'totals', groupBy: [] as const },
  { label: 'by continent', groupBy: ['continent'] as const },
  { label: 'by country', groupBy: ['country'] as const },
  { label: 'by product', groupBy: ['product'] as const },
  { label: 'by family', groupBy: ['family'] as const },
];
t = performance.now();
for (const q of headline) {
  const q0 = performance.now();
  const rows = await store.census({ scanId, groupBy: [...q.groupBy], asOf });
  console.log(`  ${q.label.padEnd(14)} ${rows.length.toString().padStart(4)} rows  ${(performance.now() - q0).toFixed(0)} ms`);
}
const headlineMs = performance.now() - t;
console.log(`headline census over ${size} records: ${headlineMs.toFixed(0)} ms (target < 1000 ms)`);
const a0 = performance.now();
const asnRows = await store.census({ scanId, groupBy: ['asn'], asOf });
console.log(`by asn (reads the host table): ${asnRows.length} rows in ${(performance.now() - a0).toFixed(0)} ms`);
await store.close();
if (dir && !values.keep) rmSync(dir, { recursive: true, force: true });
