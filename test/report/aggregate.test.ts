// The in-memory census (fallback, notify, diff) must agree with the store's SQL census.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { CensusFilter, CensusRow, GroupKey } from '../../src/store/store.js';
import { censusOfHosts } from '../../src/report/aggregate.js';
import { addScan, fleet, tempStore, type TempStore } from './records.js';

/** Order-free, zero-free comparison form. */
function normalise(rows: CensusRow[]): string[] {
  const nz = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).filter(([, n]) => n > 0).sort());
  return rows.map((r) => JSON.stringify([r.group, r.hosts, r.exchange, r.suspect, r.eol, nz(r.vulnerable), nz(r.likely)])).sort();
}

describe('censusOfHosts agrees with Store.census (SQLite)', () => {
  let t: TempStore;
  let scanId: number;
  before(async () => {
    t = await tempStore();
    scanId = await addScan(t.store, { name: 'dec', startedAt: '2026-11-01T00:00:00Z' }, fleet());
  });
  after(async () => t.cleanup());

  const cases: Array<[GroupKey[], CensusFilter?]> = [
    [[]], [['continent']], [['country', 'asn']], [['product']], [['release']], [['eol']], [['family']], [['status']],
    [['continent'], { eol: true }], [['family'], { family: ['ProxyShell'] }], [['country'], { product: ['Exchange Server 2013'] }],
    [['asn'], { asn: [3320, 7018] }], [['product'], { status: ['exchange', 'suspect'] }],
  ];
  for (const [groupBy, filter] of cases) {
    it(`by [${groupBy.join(',')}]${filter ? ` filter ${JSON.stringify(filter)}` : ''}`, async () => {
      const asOf = '2026-01-01';
      const sql = await t.store.census({ scanId, groupBy, asOf, ...(filter ? { filter } : {}) });
      const mem = await censusOfHosts(fleet(), groupBy, asOf, filter);
      assert.deepEqual(normalise(mem), normalise(sql.map((r) => ({ ...r, asnOrg: undefined }))));
    });
  }
});
