// The mask cubes a fresh scan counts while it is written (cube-tally.ts) must equal the ones a
// rebuild from the host table and the counted records gives, cell for cell, also when targets are
// replaced; a foreign write falls back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/index.js';
import type { PlainCount, Store, StoredHost } from '../../src/store/store.js';
import { randomFleet } from './census-equivalence.js';
import { plainRecords } from './round-trip.js';
import { meta } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-tally-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const TABLES = ['census_summary', 'census_geo', 'census_family_mask', 'census_asn_mask', 'census_asn'];

function dumpCubes(path: string, scanId: number): Record<string, string[]> {
  const db = new Database(path, { readonly: true });
  const out: Record<string, string[]> = {};
  for (const t of TABLES)
    out[t] = (db.prepare(`SELECT * FROM ${t} WHERE scan_id = ?`).all(scanId) as object[])
      .map((r) => JSON.stringify(r))
      .sort();
  db.close();
  return out;
}

/** Marks the scan's cubes stale and lets a fresh store instance (no tally) rebuild them from the host table. */
async function rebuildFromTable(path: string, scanId: number): Promise<void> {
  const db = new Database(path);
  db.prepare('UPDATE scans SET summary_version = -1 WHERE id = ?').run(scanId);
  db.close();
  const store = await openStore(path);
  // census (not getScan, which reads counts without rebuilding) rebuilds stale cubes
  await store.census({ scanId, groupBy: [], asOf: '2024-01-01' });
  const db2 = new Database(path, { readonly: true });
  const fresh = db2
    .prepare('SELECT summary_version = data_version AS ok FROM scans WHERE id = ?')
    .get(scanId) as { ok: number };
  db2.close();
  assert.equal(fresh.ok, 1, 'the cubes were rebuilt');
  await store.close();
}

const fleet = (): StoredHost[] => [
  ...randomFleet(400, 11, false).map((record) => ({ record })),
  ...plainRecords().map((record) => ({ record })),
  // same network, two organisation names: the cube keeps the greater, as MAX does
  ...['Zeta Net', 'Äpfel Netz', '\u{1D400} Net', '\uFFE6 Net', 'Alpha Net'].map((org, i) => ({
    record: {
      ...(plainRecords()[0] as StoredHost['record']),
      ip: `198.18.0.${i}`,
      asn: { number: 65000, org, source: 'source' },
    },
  })),
];

/** Counted records (ingest's plain counts), some in cells host rows also fill. */
const COUNTS: PlainCount[] = [
  { source: 'shodan', country: 'DE', continent: null, asn: 3320, asnOrg: 'Deutsche Telekom AG', n: 40 },
  { source: 'shodan', country: 'DE', continent: 'EU', asn: 3320, asnOrg: 'DTAG', n: 3 },
  { source: 'shodan', country: 'BR', continent: 'SA', asn: null, asnOrg: null, n: 7 },
  { source: 'shodan', country: 'FR', continent: null, asn: 65000, asnOrg: 'Zulu Net', n: 2 },
];

/** addHosts, with counted records in the same batch. */
async function addWithCounts(store: Store, id: number, hosts: StoredHost[]): Promise<void> {
  const batch = store.newBatch();
  for (const h of hosts) batch.add(h);
  for (const c of COUNTS) batch.addPlain(c);
  await store.addBatch(id, batch);
}

describe('census cubes counted while writing', () => {
  it('equal the cubes rebuilt from the host table, cell for cell', async () => {
    const path = join(dir, 'tally.db');
    const store = await openStore(path);
    const id = await store.createScan(meta());
    const hosts = fleet();
    for (let i = 0; i < hosts.length; i += 97) await store.addHosts(id, hosts.slice(i, i + 97));
    // Targets written again with other values (a resume, a file naming a target twice): the
    // replaced rows leave their cells, on the plain and on the JSON path, in mixed batches.
    const again = randomFleet(400, 12).map((record, i) => ({
      record: { ...record, ip: hosts[i * 3]?.record.ip ?? record.ip },
    }));
    await store.addHosts(id, again.slice(0, 60));
    await store.addHosts(id, [
      ...plainRecords().map((record) => ({ record: { ...record, ip: hosts[5]?.record.ip ?? '' } })),
      ...again.slice(60, 130),
    ]);
    // Plain records in full multi-row chunks, new and stored targets interleaved.
    const plainAt = (i: number, country: string): StoredHost => ({
      record: {
        ...(plainRecords()[0] as StoredHost['record']),
        ip: `10.77.${i >> 8}.${i & 255}`,
        geo: { country, source: 'source' },
      },
    });
    await store.addHosts(
      id,
      Array.from({ length: 150 }, (_, i) => plainAt(i * 2, 'DE')),
    );
    await store.addHosts(
      id,
      Array.from({ length: 150 }, (_, i) => plainAt(i, i % 2 === 0 ? 'FR' : 'DE')),
    );
    await addWithCounts(store, id, []);
    await store.finishScan(id, 'complete');
    await store.close();
    const counted = dumpCubes(path, id);
    assert.ok((counted.census_asn_mask ?? []).length > 10 && (counted.census_geo ?? []).length > 10);
    await rebuildFromTable(path, id);
    assert.deepEqual(dumpCubes(path, id), counted);
  });

  it('equal the rebuilt cubes when the writer thread counted them (batches of 1,000 and more)', async () => {
    const path = join(dir, 'thread.db');
    const store = await openStore(path);
    const id = await store.createScan(meta());
    const plainAt = (i: number): StoredHost => ({
      record: {
        ...(plainRecords()[i % plainRecords().length] as StoredHost['record']),
        ip: `10.88.${i >> 8}.${i & 255}`,
      },
    });
    const first = [...fleet(), ...Array.from({ length: 900 }, (_, i) => plainAt(i))];
    await store.addHosts(id, first);
    // Rewrites of plain and JSON rows from the first batch, and new targets.
    const again = randomFleet(400, 13, false).map((record, i) => ({
      record: { ...record, ip: first[i * 2]?.record.ip ?? record.ip },
    }));
    await addWithCounts(store, id, [...again, ...Array.from({ length: 700 }, (_, i) => plainAt(i + 600))]);
    await store.finishScan(id, 'complete');
    await store.close();
    const counted = dumpCubes(path, id);
    await rebuildFromTable(path, id);
    assert.deepEqual(dumpCubes(path, id), counted);
    assert.ok((counted.census_asn_mask ?? []).length > 10);
    // Proof the thread's tally answered: a row removed behind the store's back is still counted.
    const again2 = await openStore(path);
    const proof = await again2.createScan(meta());
    await again2.addHosts(
      proof,
      Array.from({ length: 1000 }, (_, i) => plainAt(i)),
    );
    const raw = new Database(path);
    raw.prepare('DELETE FROM hosts WHERE scan_id = ? AND ip = ?').run(proof, plainAt(0).record.ip);
    raw.close();
    await again2.finishScan(proof, 'complete');
    assert.equal((await again2.getScan(proof))?.counts.hosts, 1000);
    await again2.close();
  });

  it("are used when every write was this store's, also after replacing writes, and not after a foreign one", async () => {
    const path = join(dir, 'fallback.db');
    const store = await openStore(path);
    const hosts = fleet().slice(0, 50);
    // Proof the tally answered: a row removed behind the store's back is still counted.
    const counted = await store.createScan(meta());
    await store.addHosts(counted, hosts);
    const raw = new Database(path);
    raw.prepare('DELETE FROM hosts WHERE scan_id = ? AND ip = ?').run(counted, hosts[0]?.record.ip);
    await store.finishScan(counted, 'complete');
    assert.equal((await store.getScan(counted))?.counts.hosts, 50);
    // Rewritten targets are moved between cells, not counted twice.
    const replaced = await store.createScan(meta());
    await store.addHosts(replaced, hosts);
    await store.addHosts(replaced, hosts.slice(0, 10));
    raw.prepare('DELETE FROM hosts WHERE scan_id = ? AND ip = ?').run(replaced, hosts[0]?.record.ip);
    await store.finishScan(replaced, 'complete');
    assert.equal((await store.getScan(replaced))?.counts.hosts, 50);
    // Another writer bumped the data version: not all rows went through this store's tally.
    const foreign = await store.createScan(meta());
    await store.addHosts(foreign, hosts);
    raw.prepare('UPDATE scans SET data_version = data_version + 1 WHERE id = ?').run(foreign);
    raw.prepare('DELETE FROM hosts WHERE scan_id = ? AND ip = ?').run(foreign, hosts[0]?.record.ip);
    await store.finishScan(foreign, 'complete');
    assert.equal((await store.getScan(foreign))?.counts.hosts, 49);
    raw.close();
    await store.close();
  });
});
