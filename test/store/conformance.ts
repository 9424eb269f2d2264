// One behaviour suite for every Store adapter (SQLite, PostgreSQL), run from <adapter>.test.ts.
// Its cases live here (scans, leases, records) and in conformance-census, -writes and -reads.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Store, StoredHost } from '../../src/store/store.js';
import { fleet, meta, type ConformanceContext, type StoreFactory } from './conformance-fixtures.js';
import { censusCases } from './conformance-census.js';
import { writeCases } from './conformance-writes.js';
import { readCases } from './conformance-reads.js';

export { meta, type StoreFactory } from './conformance-fixtures.js';

export function storeConformance(label: string, factory: StoreFactory): void {
  describe(`Store conformance: ${label}`, () => {
    let store: Store;
    let scanId: number;
    const ctx = {} as ConformanceContext;
    before(async () => {
      store = await factory();
      scanId = await store.createScan(meta({ name: `fleet-${process.pid}` }));
      await store.addHosts(scanId, fleet().slice(0, 5));
      await store.addHosts(scanId, fleet().slice(5));
      await store.finishScan(scanId, 'complete');
      Object.assign(ctx, { store, scanId, label });
    });
    after(async () => store.close());

    it('creates, finds and lists scans with counts', async () => {
      const byId = await store.getScan(scanId);
      assert.ok(byId);
      assert.equal(byId.name, `fleet-${process.pid}`);
      assert.equal(byId.state, 'complete');
      assert.ok(byId.finishedAt);
      assert.deepEqual(byId.inputs, ['a.json']);
      assert.deepEqual(byId.options, { seed: 1 });
      assert.deepEqual(byId.counts, { hosts: 10, exchange: 6, suspect: 1 });
      assert.deepEqual(await store.getScan(byId.name), byId);
      assert.deepEqual(await store.getScan(String(scanId)), byId);
      assert.equal(await store.getScan('no-such-scan'), null);
      assert.ok((await store.listScans()).some((s) => s.id === scanId));
    });

    it("replaces a scan's options, and only that scan's", async () => {
      const id = await store.createScan(meta());
      await store.setScanOptions(id, { seed: 1, kb_version: '2026-12-08.0123456789' });
      assert.deepEqual((await store.getScan(id))?.options, { seed: 1, kb_version: '2026-12-08.0123456789' });
      assert.deepEqual((await store.getScan(scanId))?.options, { seed: 1 });
    });

    it('leases a scan, or a part of it, to one writer at a time; a lapsed lease is taken over', async () => {
      const id = await store.createScan(meta());
      const t = 1_000_000;
      const claim = (writer: string, now: number, part?: string) => ({
        scanId: id,
        writer,
        ttlMs: 1000,
        now,
        ...(part !== undefined ? { part } : {}),
      });
      assert.deepEqual(await store.acquireLease(claim('a', t)), { held: true });
      assert.deepEqual(await store.acquireLease(claim('b', t + 10)), {
        held: false,
        writer: 'a',
        heartbeatAt: t,
        expiresAt: t + 1000,
      });
      assert.deepEqual(await store.acquireLease(claim('a', t + 20)), { held: true }, 'its own again');
      assert.equal(await store.renewLease(claim('a', t + 500)), true);
      assert.equal((await store.acquireLease(claim('b', t + 1400))).held, false, 'the heartbeat kept it');
      // parts (shards) are leased apart from each other and from the whole scan
      assert.equal((await store.acquireLease(claim('b', t + 1400, '1/2'))).held, true);
      assert.equal((await store.acquireLease(claim('c', t + 1400, '2/2'))).held, true);
      // a stops beating: its lease lapses, b takes it, and a learns it lost it
      assert.equal((await store.acquireLease(claim('b', t + 1600))).held, true);
      assert.equal(await store.renewLease(claim('a', t + 1700)), false);
      await store.releaseLease({ scanId: id, writer: 'a' }); // not a's any more: nothing happens
      assert.equal((await store.acquireLease(claim('c', t + 1700))).held, false);
      await store.releaseLease({ scanId: id, writer: 'b' });
      assert.equal((await store.acquireLease(claim('c', t + 1700))).held, true);
      // a writer known to be gone (replaces) is taken over before its lease lapses, and only that one
      assert.equal((await store.acquireLease({ ...claim('d', t + 1710), replaces: 'b' })).held, false);
      assert.equal((await store.acquireLease({ ...claim('d', t + 1710), replaces: 'c' })).held, true);
      assert.equal(await store.renewLease(claim('c', t + 1720)), false);
    });

    it('refuses a second scan with the same name', async () => {
      await assert.rejects(store.createScan(meta({ name: `fleet-${process.pid}` })), /already exists/);
    });

    it('round-trips records and observations, in (ip, port) order', async () => {
      const got: StoredHost[] = [];
      for await (const h of store.iterateHosts(scanId)) got.push(h);
      const want = fleet().sort((a, b) =>
        a.record.ip < b.record.ip ? -1 : a.record.ip > b.record.ip ? 1 : a.record.port - b.record.port,
      );
      assert.deepEqual(got, want);
    });

    it('filters streamed hosts', async () => {
      const ips: string[] = [];
      for await (const h of store.iterateHosts(scanId, { exchangeOnly: true, country: ['DE', 'US'] }))
        ips.push(h.record.ip);
      assert.deepEqual(ips, ['192.0.2.1', '192.0.2.2', '198.51.100.1', '198.51.100.2']);
      const eol: string[] = [];
      for await (const h of store.iterateHosts(scanId, { eol: true, asOf: '2025-10-15' }))
        eol.push(h.record.ip);
      assert.deepEqual(eol, [
        '192.0.2.1',
        '192.0.2.10',
        '192.0.2.2',
        '198.51.100.1',
        '198.51.100.2',
        '198.51.100.3',
        '203.0.113.1',
      ]);
    });

    censusCases(ctx);
    writeCases(ctx);
    readCases(ctx);
  });
}
