// A SQLite store for the dashboard tests: two scans of one series (a realistic spread of
// countries, networks, products and CVE families) and, in the second, hostile records whose
// every text field tries to break out of HTML, attributes, URLs, CSV or the terminal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store, type StoredHost } from '../../src/store/index.js';
import { makeRecord, type RecordSpec } from '../store/records.js';
import type { HostRecord } from '../../src/core/host-record.js';

export const HOSTILE = {
  script: '<script>alert("x")</script>',
  img: '"><img src=x onerror=alert(1)>',
  js: 'javascript:alert(1)',
  ansi: '\u001b[31mred\u001b[0m\u0007',
  rtl: '\u202egnp.exe\u202c',
  long: 'A'.repeat(10240),
  formula: '=HYPERLINK("http://example.invalid","x")',
};

const COUNTRIES: Array<[country: string, continent: string, asn: number, org: string]> = [
  ['DE', 'EU', 3320, 'Deutsche Telekom AG'],
  ['DE', 'EU', 24940, 'Hetzner Online GmbH'],
  ['FR', 'EU', 16276, 'OVH SAS'],
  ['US', 'NA', 7018, 'AT&T Services'],
  ['US', 'NA', 16509, 'Amazon.com'],
  ['BR', 'SA', 28573, 'Claro NXT'],
  ['JP', 'AS', 2516, 'KDDI'],
  ['AU', 'OC', 1221, 'Telstra'],
  ['ZA', 'AF', 37457, 'Telkom SA'],
];

const PRODUCTS: Array<Pick<RecordSpec, 'product' | 'release' | 'eolDate' | 'vulns'>> = [
  {
    product: 'Exchange Server 2013',
    release: 'Exchange Server 2013 CU23',
    eolDate: '2023-04-11',
    vulns: [
      ['ProxyLogon', 'vulnerable'],
      ['ProxyShell', 'likely'],
    ],
  },
  {
    product: 'Exchange Server 2016',
    release: 'Exchange Server 2016 CU23 Nov22SU',
    eolDate: '2025-10-14',
    vulns: [['ProxyNotShell', 'vulnerable']],
  },
  {
    product: 'Exchange Server 2019',
    release: 'Exchange Server 2019 CU14 Nov24SUv2',
    eolDate: '2025-10-14',
    vulns: [],
  },
  {
    product: 'Exchange Server 2010',
    release: 'Exchange Server 2010 SP3',
    eolDate: '2020-10-13',
    vulns: [
      ['ProxyLogon', 'vulnerable'],
      ['ProxyNotShell', 'likely'],
    ],
  },
];

function fleetHosts(scan: number, n: number): StoredHost[] {
  const out: StoredHost[] = [];
  for (let i = 0; i < n; i++) {
    const [country, continent, asn, org] = COUNTRIES[(i * 7 + scan) % COUNTRIES.length]!;
    const kind = i % 17 === 5 ? 'suspect' : i % 13 === 3 ? 'not-exchange' : 'exchange';
    // the second scan: some servers upgraded from 2013 to 2019
    const p = PRODUCTS[(i + (scan === 2 && i % 5 === 0 ? 2 : 0)) % PRODUCTS.length]!;
    const rec = makeRecord({
      ip: `198.18.${Math.floor(i / 200)}.${(i % 200) + 1}`,
      kind,
      country,
      continent,
      asn,
      org,
      ...p,
    });
    rec.hostname = `mail${i}.example.test`;
    rec.timestamp = scan === 1 ? '2026-06-01T10:00:00Z' : '2026-11-01T10:00:00Z';
    out.push({ record: rec });
  }
  return out;
}

function hostile(): StoredHost[] {
  const names = Object.values(HOSTILE);
  return names.map((name, i) => {
    const rec: HostRecord = makeRecord({
      ip: `198.19.0.${i + 1}`,
      country: 'NL',
      continent: 'EU',
      asn: 64512 + i,
      org: name,
      product: 'Exchange Server 2016',
      release: `Exchange Server 2016 CU23 ${i === 0 ? HOSTILE.script : 'Nov22SU'}`,
      eolDate: '2025-10-14',
      vulns: [['ProxyShell', 'vulnerable']],
    });
    rec.hostname = name;
    rec.evidence.serverNames = [name];
    rec.evidence.signals[0]!.value = name;
    return { record: rec };
  });
}

export interface Fixture {
  path: string;
  dir: string;
  cleanup(): void;
}

/** Writes the store; `hostileRecords` adds the hostile ones to the second scan. */
export async function makeStore(opts: { hosts?: number; hostileRecords?: boolean } = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'excensus-serve-'));
  const path = join(dir, 'census.db');
  const store: Store = await openStore(path);
  try {
    for (const scan of [1, 2]) {
      const id = await store.createScan({
        name: `census-${scan}`,
        kind: 'ingest',
        source: 'shodan',
        series: 'weekly',
        startedAt: scan === 1 ? '2026-06-01T10:00:00Z' : '2026-11-01T10:00:00Z',
        inputs: [`week${scan}.json`],
        options: { kb_version: '2026-08-11.test' },
      });
      const hosts = fleetHosts(scan, opts.hosts ?? 180);
      if (scan === 2 && opts.hostileRecords) hosts.push(...hostile());
      await store.addHosts(id, hosts);
      await store.finishScan(id, 'complete');
    }
  } finally {
    await store.close();
  }
  return { path, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
