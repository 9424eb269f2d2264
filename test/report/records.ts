// Hand-built host records for report tests. Builds, products and EOL dates are real facts from
// /work/shared/reference (exchange-builds.csv, exchange-lifecycle.csv, exchange-cves.csv).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Classification, VulnStatus } from '../../src/core/classification.js';
import type { HostRecord } from '../../src/core/host-record.js';
import type { ScanMeta, Store } from '../../src/store/store.js';
import { openStore } from '../../src/store/index.js';

export const BUILDS = {
  e2007: {
    build: '8.3.83.6',
    product: 'Exchange Server 2007',
    release: 'Exchange Server 2007 SP3 RU23',
    eolDate: '2017-04-11',
  },
  e2010: {
    build: '14.3.513.0',
    product: 'Exchange Server 2010',
    release: 'Exchange Server 2010 SP3 UR32',
    eolDate: '2020-10-13',
  },
  e2013: {
    build: '15.0.1497.2',
    product: 'Exchange Server 2013',
    release: 'Exchange Server 2013 CU23',
    eolDate: '2023-04-11',
  },
  e2016cu19: {
    build: '15.1.2176.2',
    product: 'Exchange Server 2016',
    release: 'Exchange Server 2016 CU19',
    eolDate: '2025-10-14',
  },
  e2016cu19su: {
    build: '15.1.2176.9',
    product: 'Exchange Server 2016',
    release: 'Exchange Server 2016 CU19 Mar21SU',
    eolDate: '2025-10-14',
  },
  e2016cu23: {
    build: '15.1.2507.6',
    product: 'Exchange Server 2016',
    release: 'Exchange Server 2016 CU23',
    eolDate: '2025-10-14',
  },
  e2019cu9: {
    build: '15.2.858.5',
    product: 'Exchange Server 2019',
    release: 'Exchange Server 2019 CU9',
    eolDate: '2025-10-14',
  },
  se: {
    build: '15.2.2562.17',
    product: 'Exchange Server SE',
    release: 'Exchange Server SE RTM',
    eolDate: null,
  },
} as const;

const FAMILY_CVE: Record<string, string> = {
  ProxyLogon: 'CVE-2021-26855',
  ProxyShell: 'CVE-2021-34473',
  ProxyToken: 'CVE-2021-33766',
  ProxyNotShell: 'CVE-2022-41040',
  OWASSRF: 'CVE-2022-41080',
};

export interface RecordSpec {
  ip: string;
  port?: number;
  build?: keyof typeof BUILDS;
  kind?: 'exchange' | 'suspect' | 'not-exchange' | 'timeout';
  vulns?: Array<[family: string, status: VulnStatus]>;
  country?: string;
  continent?: string;
  asn?: number;
  org?: string;
  hostname?: string;
  serverName?: string;
  recommendation?: string;
  timestamp?: string;
}

export function makeRecord(s: RecordSpec): HostRecord {
  const kind = s.kind ?? 'exchange';
  const b = s.build ? BUILDS[s.build] : undefined;
  const classification: Classification | null = b
    ? {
        build: b.build,
        precision: 'full',
        product: b.product,
        onPremises: true,
        release: b.release,
        releaseKind: 'CU',
        releaseDate: null,
        exact: true,
        eol: b.eolDate !== null && b.eolDate < '2026-01-01',
        eolDate: b.eolDate,
        daysPastEol: null,
        vulns: (s.vulns ?? []).map(([family, status]) => ({
          cve: FAMILY_CVE[family] ?? `CVE-2099-${family.length}`,
          family,
          status,
        })),
        recommendation: s.recommendation ?? `Update ${b.product} to the latest security update.`,
      }
    : null;
  return {
    ip: s.ip,
    port: s.port ?? 443,
    ...(s.hostname ? { hostname: s.hostname } : {}),
    source: 'shodan',
    timestamp: s.timestamp ?? '2026-11-01T12:00:00Z',
    status: kind,
    isExchange: kind === 'exchange',
    suspect: kind === 'suspect',
    evidence: {
      exchange: kind === 'exchange' ? 'yes' : kind === 'suspect' ? 'suspect' : 'no',
      ...(b ? { build: b.build, precision: 'full' as const } : {}),
      confidence: 'high',
      suspectReasons: kind === 'suspect' ? ['honeypot'] : [],
      signals: [],
      serverNames: s.serverName ? [s.serverName] : [],
    },
    classification,
    ...(s.country || s.continent
      ? { geo: { country: s.country, continent: s.continent, source: 'source' } }
      : {}),
    ...(s.asn !== undefined
      ? { asn: { number: s.asn, ...(s.org ? { org: s.org } : {}), source: 'source' } }
      : {}),
  };
}

export interface TempStore {
  store: Store;
  path: string;
  cleanup(): Promise<void>;
}

/** A real SQLite store in a temp directory. */
export async function tempStore(): Promise<TempStore> {
  const dir = mkdtempSync(join(tmpdir(), 'excensus-report-'));
  const path = join(dir, 'test.db');
  const store = await openStore(path);
  return {
    store,
    path,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function addScan(
  store: Store,
  meta: Partial<ScanMeta> & { name: string; startedAt: string },
  records: HostRecord[],
): Promise<number> {
  const id = await store.createScan({
    kind: 'ingest',
    source: 'shodan',
    series: 'shodan',
    inputs: [],
    options: {},
    ...meta,
  });
  await store.addHosts(
    id,
    records.map((record) => ({ record })),
  );
  await store.finishScan(id, 'complete');
  return id;
}

/** A census fleet: 5 EU, 3 NA, 1 AS on-premises servers, plus a suspect, a non-Exchange host and a timeout. */
export function fleet(): HostRecord[] {
  const dt = { country: 'DE', continent: 'EU', asn: 3320, org: 'Deutsche Telekom AG' };
  return [
    makeRecord({
      ip: '192.0.2.1',
      build: 'e2013',
      ...dt,
      vulns: [
        ['ProxyLogon', 'vulnerable'],
        ['ProxyShell', 'vulnerable'],
        ['ProxyNotShell', 'likely'],
      ],
    }),
    makeRecord({
      ip: '192.0.2.2',
      build: 'e2016cu19',
      ...dt,
      vulns: [
        ['ProxyLogon', 'vulnerable'],
        ['ProxyShell', 'vulnerable'],
      ],
    }),
    makeRecord({ ip: '192.0.2.3', build: 'e2010', ...dt, vulns: [['ProxyLogon', 'vulnerable']] }),
    makeRecord({
      ip: '192.0.2.4',
      build: 'e2016cu23',
      country: 'FR',
      continent: 'EU',
      asn: 16276,
      org: 'OVH SAS',
      vulns: [['ProxyNotShell', 'likely']],
    }),
    makeRecord({
      ip: '192.0.2.5',
      build: 'e2013',
      country: 'FR',
      continent: 'EU',
      asn: 16276,
      org: 'OVH SAS',
    }),
    makeRecord({
      ip: '198.51.100.1',
      build: 'se',
      country: 'US',
      continent: 'NA',
      asn: 7018,
      org: 'AT&T Services, Inc.',
    }),
    makeRecord({
      ip: '198.51.100.2',
      build: 'e2019cu9',
      country: 'US',
      continent: 'NA',
      asn: 7018,
      org: 'AT&T Services, Inc.',
      vulns: [
        ['OWASSRF', 'vulnerable'],
        ['ProxyToken', 'patched'],
      ],
    }),
    makeRecord({
      ip: '198.51.100.3',
      build: 'e2013',
      country: 'CA',
      continent: 'NA',
      asn: 577,
      org: 'Bell Canada',
    }),
    makeRecord({
      ip: '203.0.113.1',
      build: 'e2016cu23',
      country: 'JP',
      continent: 'AS',
      asn: 2914,
      org: 'NTT America',
    }),
    makeRecord({
      ip: '203.0.113.9',
      build: 'e2013',
      kind: 'suspect',
      country: 'US',
      continent: 'NA',
      asn: 7018,
      vulns: [['ProxyLogon', 'vulnerable']],
    }),
    makeRecord({ ip: '203.0.113.2', kind: 'not-exchange', country: 'JP', continent: 'AS', asn: 2914 }),
    makeRecord({ ip: '203.0.113.3', port: 25, kind: 'timeout' }),
  ];
}
