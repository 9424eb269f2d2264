// The networks-by-country cube is trusted only when a binary that builds it built it for the scan's
// current data: a binary from before migration 11 rebuilds the other cubes and marks the scan
// current, leaving this cube empty (scans it wrote) or stale (scans it added hosts to). Both are
// simulated here on SQLite and PostgreSQL: hosts written, the other cubes rebuilt, the cube's rows
// left as that binary leaves them, summary_version = data_version as it sets it.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteAndPostgres } from '../helpers/stores.js';
import { isPostgresUrl, openStore } from '../../src/store/index.js';
import { openSqliteDriver } from '../../src/store/sqlite/sqlite-driver.js';
import { openPostgresDriver } from '../../src/store/postgres/postgres-driver.js';
import { rebuildCubes } from '../../src/store/cube-build.js';
import type { SqlDriver } from '../../src/store/driver.js';
import type { Store } from '../../src/store/store.js';
import { makeRecord } from './records.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-geo-asn-fresh-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const GEO_ASN = 'census_geo_asn_mask';

function hosts(from: number, places: Array<[country: string, asn: number]>) {
  return places.map(([country, asn], i) => ({
    record: makeRecord({ ip: `192.0.2.${from + i}`, country, continent: 'EU', asn, org: `Org ${asn}` }),
  }));
}

async function newScan(store: Store, name: string): Promise<number> {
  return store.createScan({
    name,
    kind: 'ingest',
    source: 'shodan',
    series: name,
    startedAt: '2025-11-20T00:00:00Z',
    inputs: [],
    options: {},
  });
}

/** What an older binary leaves after its cube rebuild: every cube it knows current, this one's rows
 *  those given (none for a scan it wrote), the scan marked current. */
async function olderBinaryRebuild(db: SqlDriver, scanId: number, keep: 'none' | 'stale'): Promise<void> {
  await db.transaction(async () => {
    const stale =
      keep === 'stale' ? await db.all(`SELECT * FROM ${GEO_ASN} WHERE scan_id = ?`, [scanId]) : [];
    const bits = (await db.all('SELECT bit FROM families')).map((r) => Number(r.bit));
    await rebuildCubes(db, scanId, bits, undefined, true);
    await db.run(`DELETE FROM ${GEO_ASN} WHERE scan_id = ?`, [scanId]);
    for (const r of stale) {
      const cols = Object.keys(r);
      await db.run(
        `INSERT INTO ${GEO_ASN} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
        cols.map((c) => r[c] as never),
      );
    }
    await db.run('UPDATE scans SET summary_version = data_version WHERE id = ?', [scanId]);
  });
}

async function networksOfDE(store: Store, scanId: number) {
  const q = { scanId, groupBy: ['asn' as const], filter: { country: ['DE'] }, asOf: '2025-12-01' };
  const one = (await store.census(q)).map((r) => [r.group.asn, r.hosts]);
  const both = (await store.census({ scanId, groupBy: ['asn', 'country'], asOf: '2025-12-01' }))
    .filter((r) => r.group.country === 'DE')
    .map((r) => [r.group.asn, r.hosts]);
  return { one, both };
}

for (const { name, db: url } of sqliteAndPostgres(dir, 'fresh.db', 'excensus_geo_asn_fresh')) {
  describe(`networks by country cube after an older binary: ${name}`, () => {
    const raw = (): Promise<SqlDriver> | SqlDriver =>
      isPostgresUrl(url) ? openPostgresDriver(url) : openSqliteDriver(url);

    it('is built for a scan whose cubes an older binary built without it', async () => {
      let store = await openStore(url);
      const scanId = await newScan(store, 'empty');
      await store.addHosts(
        scanId,
        hosts(1, [
          ['DE', 36459],
          ['DE', 36459],
          ['FR', 3320],
        ]),
      );
      await store.close();
      const db = await raw();
      await olderBinaryRebuild(db, scanId, 'none');
      await db.close();
      store = await openStore(url);
      try {
        const { one, both } = await networksOfDE(store, scanId);
        assert.deepEqual(one, [[36459, 2]]);
        assert.deepEqual(both, [[36459, 2]]);
      } finally {
        await store.close();
      }
    });

    it('is rebuilt when an older binary added hosts and rebuilt the other cubes', async () => {
      let store = await openStore(url);
      const scanId = await newScan(store, 'stale');
      await store.addHosts(
        scanId,
        hosts(1, [
          ['DE', 3320],
          ['FR', 3320],
        ]),
      );
      await store.finishScan(scanId, 'complete'); // this binary builds every cube
      assert.deepEqual((await networksOfDE(store, scanId)).one, [[3320, 1]]);
      await store.addHosts(
        scanId,
        hosts(10, [
          ['DE', 36459],
          ['DE', 36459],
          ['DE', 36459],
        ]),
      );
      await store.close();
      const db = await raw();
      await olderBinaryRebuild(db, scanId, 'stale');
      await db.close();
      store = await openStore(url);
      try {
        const { one, both } = await networksOfDE(store, scanId);
        assert.deepEqual(one, [
          [36459, 3],
          [3320, 1],
        ]);
        assert.deepEqual(both, [
          [36459, 3],
          [3320, 1],
        ]);
        // the other cubes were current: still right
        const byCountry = await store.census({ scanId, groupBy: ['country'], asOf: '2025-12-01' });
        assert.deepEqual(
          byCountry.map((r) => [r.group.country, r.hosts]),
          [
            ['DE', 4],
            ['FR', 1],
          ],
        );
      } finally {
        await store.close();
      }
    });
  });
}
