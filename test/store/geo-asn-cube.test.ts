// The networks-by-country cube (migration 11): a store whose scans were finished before it existed
// builds it for them at their next census, so a country's networks are right at once after an
// upgrade (the answers themselves are held to the record-by-record census by census-equivalence.ts).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/index.js';
import { makeRecord } from './records.js';
import { meta } from './conformance.js';

describe('networks by country cube', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'excensus-geo-asn-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is built for scans finished before migration 11', async () => {
    const path = join(dir, 'old.db');
    const store = await openStore(path);
    const scanId = await store.createScan(
      meta({ name: 'old', series: 's', startedAt: '2025-11-20T00:00:00Z' }),
    );
    const places: Array<[string, string, number]> = [
      ['DE', 'EU', 3320],
      ['DE', 'EU', 24940],
      ['FR', 'EU', 3320],
      ['US', 'NA', 7018],
    ];
    await store.addHosts(
      scanId,
      Array.from({ length: 24 }, (_, i) => {
        const [country, continent, asn] = places[i % places.length]!;
        return { record: makeRecord({ ip: `192.0.2.${i + 1}`, country, continent, asn, org: `Org ${asn}` }) };
      }),
    );
    await store.finishScan(scanId, 'complete');
    await store.close();
    // the store as it was before migration 11: no such cube, the scan's other cubes current
    const raw = new Database(path);
    raw.exec('DROP TABLE census_geo_asn_mask; DELETE FROM schema_migrations WHERE version = 11;');
    raw.close();
    const again = await openStore(path);
    try {
      const q = { scanId, groupBy: ['asn' as const], filter: { country: ['DE'] }, asOf: '2025-12-01' };
      const rows = await again.census(q);
      assert.deepEqual(
        rows.map((r) => [r.group.asn, r.hosts, r.exchange, r.asnOrg]),
        [
          [24940, 6, 6, 'Org 24940'],
          [3320, 6, 6, 'Org 3320'],
        ],
      );
    } finally {
      await again.close();
    }
  });
});
