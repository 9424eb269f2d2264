// Census answers kept per data version (store/census-cache.ts): many callers asking at once for
// an answer not yet kept share one computation (a dashboard's clients arriving together must not
// each read the cube and hold their own copy), and a write still gives the next caller a new one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqlStore } from '../../src/store/sql-store.js';
import { openSqliteDriver } from '../../src/store/sqlite/sqlite-driver.js';
import type { SqlDriver } from '../../src/store/driver.js';
import { makeRecord } from './records.js';
import { meta } from './conformance.js';

/** The real driver, counting the census queries it runs (grouped by network). */
function counting(inner: SqlDriver, seen: string[]): SqlDriver {
  return {
    traits: inner.traits,
    exec: (sql) => inner.exec(sql),
    transaction: (fn) => inner.transaction(fn),
    close: () => inner.close(),
    run: (sql, params) => inner.run(sql, params),
    values: (sql, params) => inner.values(sql, params),
    async all(sql, params) {
      if (/^SELECT asn AS g0/.test(sql)) seen.push(sql);
      return inner.all(sql, params);
    },
  };
}

describe('census answers kept', () => {
  let dir: string;
  let store: SqlStore;
  let scanId: number;
  const seen: string[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'excensus-census-cache-'));
    store = await SqlStore.open(counting(openSqliteDriver(join(dir, 'c.db')), seen));
    scanId = await store.createScan(meta({ name: 'kept', series: 's', startedAt: '2025-11-20T00:00:00Z' }));
    await store.addHosts(
      scanId,
      Array.from({ length: 40 }, (_, i) => ({
        record: makeRecord({ ip: `192.0.2.${i + 1}`, country: 'DE', continent: 'EU', asn: 3320 + (i % 4) }),
      })),
    );
    await store.finishScan(scanId, 'complete');
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('computes an answer asked by many at once one time, and gives each the same rows', async () => {
    const q = { scanId, groupBy: ['asn' as const], asOf: '2025-12-01' };
    const answers = await Promise.all(Array.from({ length: 20 }, () => store.census(q)));
    assert.equal(seen.length, 1, 'one census query for 20 callers');
    for (const a of answers) assert.deepEqual(a, answers[0]);
    assert.equal(answers[0]!.length, 4);
    await store.census(q);
    assert.equal(seen.length, 1, 'kept afterwards');
    // a write moves the data version on: the next callers share one new computation
    await store.addHosts(scanId, [
      { record: makeRecord({ ip: '192.0.2.200', country: 'DE', continent: 'EU', asn: 3399 }) },
    ]);
    const again = await Promise.all(Array.from({ length: 5 }, () => store.census(q)));
    assert.equal(seen.length, 2);
    assert.equal(again[0]!.length, 5);
  });
});
