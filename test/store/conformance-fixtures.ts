// Fixtures of the Store conformance suite (conformance.ts and its parts): scan metadata, a small fleet.
import type { Store, ScanMeta, StoredHost, CensusRow } from '../../src/store/store.js';
import { makeObservationRef, makeRecord } from './records.js';

export type StoreFactory = () => Promise<Store>;

let seq = 0;
export function meta(over: Partial<ScanMeta> = {}): ScanMeta {
  seq += 1;
  return {
    name: `scan-${process.pid}-${seq}`,
    kind: 'ingest',
    source: 'shodan',
    series: 'shodan',
    startedAt: `2025-0${Math.min(9, seq)}-01T00:00:00Z`,
    inputs: ['a.json'],
    options: { seed: 1 },
    ...over,
  };
}

/** A small census fleet: 4 EU + 2 NA on-premises servers, a suspect, an Exchange Online host, a non-Exchange host, a timeout. */
export function fleet(): StoredHost[] {
  const eu = { continent: 'EU', asn: 3320, org: 'Deutsche Telekom AG' };
  return [
    {
      record: makeRecord({
        ip: '192.0.2.1',
        country: 'DE',
        ...eu,
        product: 'Exchange Server 2013',
        release: 'Exchange Server 2013 CU23',
        eolDate: '2023-04-11',
        vulns: [
          ['ProxyLogon', 'vulnerable'],
          ['ProxyShell', 'vulnerable'],
          ['ProxyNotShell', 'likely'],
        ],
      }),
      observation: makeObservationRef('192.0.2.1'),
    },
    {
      record: makeRecord({ ip: '192.0.2.2', country: 'DE', ...eu, vulns: [['ProxyShell', 'likely']] }),
      observation: makeObservationRef('192.0.2.2'),
    },
    {
      record: makeRecord({
        ip: '192.0.2.3',
        country: 'FR',
        continent: 'EU',
        asn: 16276,
        org: 'OVH SAS',
        product: 'Exchange Server 2019',
        release: 'Exchange Server 2019 CU14',
        eolDate: null,
      }),
    },
    {
      record: makeRecord({
        ip: '192.0.2.10',
        country: 'FR',
        continent: 'EU',
        asn: 16276,
        product: 'Exchange Server 2010',
        release: 'Exchange Server 2010 SP3',
        eolDate: '2020-10-13',
        vulns: [
          ['ProxyLogon', 'vulnerable'],
          ['ProxyLogon', 'likely'],
        ],
      }),
    },
    {
      record: makeRecord({
        ip: '198.51.100.1',
        country: 'US',
        continent: 'NA',
        asn: 7018,
        org: 'AT&T',
        vulns: [['ProxyToken', 'patched']],
      }),
    },
    {
      record: makeRecord({
        ip: '198.51.100.2',
        country: 'US',
        continent: 'NA',
        asn: 7018,
        product: 'Exchange Server 2019',
        release: 'Exchange Server 2019 CU14',
        eolDate: '2025-10-14',
        vulns: [['OWASSRF', 'vulnerable']],
      }),
    },
    {
      record: makeRecord({
        ip: '198.51.100.3',
        kind: 'suspect',
        country: 'US',
        continent: 'NA',
        asn: 7018,
        vulns: [['ProxyLogon', 'vulnerable']],
      }),
    },
    {
      record: makeRecord({
        ip: '203.0.113.1',
        kind: 'online',
        country: 'JP',
        continent: 'AS',
        asn: 8075,
        vulns: [['ProxyShell', 'vulnerable']],
      }),
    },
    { record: makeRecord({ ip: '203.0.113.2', kind: 'not-exchange', country: 'JP', continent: 'AS' }) },
    { record: makeRecord({ ip: '203.0.113.3', port: 25, kind: 'timeout' }) },
  ];
}

export const byGroup = (rows: CensusRow[], key: string, value: unknown): CensusRow | undefined =>
  rows.find((r) => (r.group as Record<string, unknown>)[key] === value);

/** What the suite's before() opened: the store and the scan of the fleet. */
export interface ConformanceContext {
  store: Store;
  scanId: number;
  /** The adapter's name (series names carry it: both adapters' suites may share a database). */
  label: string;
}
