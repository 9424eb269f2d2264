// Every census query shape, answered by whichever cube the store picks, must equal the plain
// record-by-record census (reference-census.ts). Run from <adapter>.test.ts on each database.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HostRecord } from '../../src/core/host-record.js';
import type { CensusFilter, GroupKey, Store } from '../../src/store/store.js';
import type { VulnVerdict } from '../../src/core/classification.js';
import { makeRecord, type RecordSpec } from './records.js';
import { normalise, referenceCensus } from './reference-census.js';
import { meta, type StoreFactory } from './conformance.js';
import { makeRng } from '../../src/lab/rng.js';

/** Seeded so a failure names a reproducible fleet. */
const prng = makeRng;

const PRODUCTS: Array<[product: string, release: string, eolDate: string | null]> = [
  ['Exchange Server 2010', 'Exchange Server 2010 SP3', '2020-10-13'],
  ['Exchange Server 2013', 'Exchange Server 2013 CU23', '2023-04-11'],
  ['Exchange Server 2016', 'Exchange Server 2016 CU23', '2025-10-14'],
  ['Exchange Server 2019', 'Exchange Server 2019 CU14', '2025-10-14'],
  ['Exchange Server SE', 'Exchange Server SE RTM', null],
];
const FAMILIES = ['ProxyLogon', 'ProxyShell', 'ProxyNotShell', 'OWASSRF'];
const STATUSES: VulnVerdict['status'][] = ['vulnerable', 'likely', 'patched', 'unknown'];
const GEO: Array<[string, string] | null> = [
  ['DE', 'EU'],
  ['FR', 'EU'],
  ['US', 'NA'],
  ['JP', 'AS'],
  ['BR', 'SA'],
  null,
];
const KINDS: Array<NonNullable<RecordSpec['kind']>> = [
  'exchange',
  'exchange',
  'exchange',
  'exchange',
  'suspect',
  'online',
  'not-exchange',
  'timeout',
];

/** `multiPort`: a third of the records are another port of an address seen before. */
export function randomFleet(n: number, seed: number, multiPort = true): HostRecord[] {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const ports = new Map<string, number[]>();
  return Array.from({ length: n }, (_, i) => {
    const [product, release, eolDate] = pick(PRODUCTS);
    // a third of the records are another port of an address seen before: one server, several records
    const earlier =
      multiPort && i > 0 && rand() < 0.35 ? [...ports.keys()][Math.floor(rand() * ports.size)] : undefined;
    const ip = earlier ?? `10.${seed & 255}.${i >> 8}.${i & 255}`;
    const port = earlier
      ? pick([25, 587, 8443, 80].filter((p) => !ports.get(ip)!.includes(p)).concat([9000 + i]))
      : 443;
    ports.set(ip, [...(ports.get(ip) ?? []), port]);
    const geo = pick(GEO);
    const asn = rand() < 0.85 ? 64500 + Math.floor(rand() * 6) : undefined;
    const vulns = FAMILIES.flatMap((f) =>
      rand() < 0.4 ? [[f, pick(STATUSES)] as [string, VulnVerdict['status']]] : [],
    );
    if (rand() < 0.2 && vulns[0]) vulns.push([vulns[0][0], pick(STATUSES)]); // a family with two CVEs
    return makeRecord({
      ip,
      port,
      kind: pick(KINDS),
      product,
      release,
      eolDate,
      vulns,
      ...(geo ? { country: geo[0], continent: geo[1] } : {}),
      ...(asn !== undefined ? { asn, ...(asn % 3 === 0 ? {} : { org: `Org ${asn}` }) } : {}),
    });
  });
}

export const GROUPINGS: GroupKey[][] = [
  [],
  ['continent'],
  ['country'],
  ['asn'],
  ['product'],
  ['release'],
  ['status'],
  ['eol'],
  ['family'],
  ['product', 'continent', 'country'],
  ['asn', 'product'],
  ['asn', 'eol'],
  ['asn', 'country'],
  ['family', 'product'],
  ['family', 'continent'],
  ['asn', 'family'],
  ['eol', 'status', 'release'],
  ['port'],
  ['port', 'status'],
  ['family', 'port'],
];
export const FILTERS: CensusFilter[] = [
  {},
  { eol: true },
  { eol: false },
  { product: ['Exchange Server 2013', 'Exchange Server 2016'] },
  { country: ['DE', 'US'] },
  { continent: ['EU'] },
  { asn: [64501, 64502] },
  { status: ['exchange'] },
  { family: ['ProxyShell'] },
  { family: ['ProxyLogon', 'OWASSRF'], eol: true },
  { asn: [64500], family: ['ProxyNotShell'] },
  { country: ['FR'], asn: [64503, 64504] },
];

/** `multiPort` false: every address has one record (the cubes are then built without a window). */
export function censusEquivalence(label: string, factory: StoreFactory, multiPort = true): void {
  describe(`Census cubes equal the record-by-record census: ${label}${multiPort ? '' : ', one record per server'}`, () => {
    let store: Store;
    let scanId: number;
    const fleet = randomFleet(600, 0x5eed, multiPort);
    before(async () => {
      store = await factory();
      scanId = await store.createScan(meta());
      await store.addHosts(
        scanId,
        fleet.slice(0, 400).map((record) => ({ record })),
      );
      await store.finishScan(scanId, 'complete');
      // Written after the cubes were built: the next census must see them too.
      await store.addHosts(
        scanId,
        fleet.slice(400).map((record) => ({ record })),
      );
      const other = await store.createScan(meta()); // another scan's hosts never leak in
      await store.addHosts(
        other,
        randomFleet(100, 7).map((record) => ({ record })),
      );
      await store.finishScan(other, 'complete');
    });
    after(async () => store.close());

    for (const asOf of ['2024-01-01', '2025-10-15']) {
      it(`answers ${GROUPINGS.length} groupings x ${FILTERS.length} filters as of ${asOf}`, async () => {
        for (const groupBy of GROUPINGS) {
          for (const filter of FILTERS) {
            const got = normalise(await store.census({ scanId, groupBy, filter, asOf }), groupBy);
            const want = referenceCensus(fleet, groupBy, asOf, filter);
            // An ungrouped census always has one row, even when nothing matches.
            if (groupBy.length === 0 && want.size === 0)
              want.set('[]', {
                group: {},
                hosts: 0,
                exchange: 0,
                suspect: 0,
                eol: 0,
                vulnerable: {},
                likely: {},
              });
            assert.deepEqual(
              got,
              want,
              `groupBy ${JSON.stringify(groupBy)} filter ${JSON.stringify(filter)}`,
            );
          }
        }
      });
    }
  });
}
