// How every Store takes writes: re-written targets, refused records, rolled-back batches. Part of the Store conformance suite (conformance.ts).
import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store, StoredHost } from '../../src/store/store.js';
import { makeObservationRef, makeRecord } from './records.js';
import { fleet, meta, type ConformanceContext } from './conformance-fixtures.js';

/** Registers these cases inside the suite's describe; `ctx` is filled by the suite's before(). */
export function writeCases(ctx: ConformanceContext): void {
  let store: Store;
  let scanId: number;
  before(() => {
    ({ store, scanId } = ctx);
  });

  it('replaces a re-written (scan, ip, port): no duplicates, census follows', async () => {
    const id = await store.createScan(meta());
    await store.addHosts(id, fleet().slice(0, 3));
    await store.finishScan(id, 'interrupted');
    assert.deepEqual(
      await store.doneTargets(id),
      new Set(['192.0.2.1:443', '192.0.2.2:443', '192.0.2.3:443']),
    );
    // A resume writes everything again, with one host now patched.
    const again = fleet();
    again[0] = {
      record: makeRecord({
        ip: '192.0.2.1',
        country: 'DE',
        continent: 'EU',
        product: 'Exchange Server 2019',
        eolDate: null,
      }),
    };
    await store.addHosts(id, again);
    const info = await store.getScan(id);
    assert.deepEqual(info?.counts, { hosts: 10, exchange: 6, suspect: 1 });
    const [all] = await store.census({ scanId: id, groupBy: [], asOf: '2024-01-01' });
    assert.equal(all?.vulnerable.ProxyLogon, 1);
    assert.equal(all?.eol, 1);
    // every target reads back as its last write (old and new targets mixed in one INSERT)
    const last = new Map(
      again.map((h) => [`${h.record.ip}:${h.record.port}`, JSON.parse(JSON.stringify(h)) as StoredHost]),
    );
    for await (const h of store.iterateHosts(id))
      assert.deepEqual(
        JSON.parse(JSON.stringify(h)),
        last.get(`${h.record.ip}:${h.record.port}`),
        h.record.ip,
      );
    let n = 0;
    for await (const h of store.iterateHosts(id, { country: ['DE'] })) {
      n += 1;
      if (h.record.ip === '192.0.2.1') assert.equal(h.observation, undefined);
    }
    assert.equal(n, 2);
  });

  it('keeps the last write when a batch names one target twice', async () => {
    const id = await store.createScan(meta());
    const first = { record: makeRecord({ ip: '192.0.2.50', kind: 'not-exchange' }) };
    const second = {
      record: makeRecord({ ip: '192.0.2.50', country: 'NL', continent: 'EU' }),
      observation: makeObservationRef('192.0.2.50'),
    };
    await store.addHosts(id, [first, ...fleet().slice(0, 3), second]);
    assert.deepEqual((await store.getScan(id))?.counts, { hosts: 4, exchange: 4, suspect: 0 });
    const got: StoredHost[] = [];
    for await (const h of store.iterateHosts(id, { country: ['NL'] })) got.push(h);
    assert.deepEqual(got, [second]);
  });

  it('stores a batch the database refuses one record of, and gives back that record', async () => {
    const id = await store.createScan(meta());
    await store.addHosts(id, fleet().slice(0, 2));
    // plain records (a row of columns each) and full ones, the refused one (no address) among them
    const batch = [...fleet().slice(2, 5), ...fleet().slice(8, 10)];
    (batch[1] as StoredHost).record = { ...(batch[1] as StoredHost).record, ip: null as unknown as string };
    const refused = await store.addHosts(id, batch);
    assert.deepEqual(
      refused.map((r) => [r.at, r.records]),
      [[1, 1]],
    );
    assert.match(refused[0]?.reason ?? '', /null/i);
    const kept = [...fleet().slice(0, 3), fleet()[4]!, ...fleet().slice(8, 10)];
    assert.deepEqual(
      await store.doneTargets(id),
      new Set(kept.map((h) => `${h.record.ip}:${h.record.port}`)),
    );
    await store.finishScan(id, 'complete');
    assert.equal((await store.getScan(id))?.counts.hosts, 6);
  });

  it("fails a batch of which every record is refused: the fault is no one record's", async () => {
    const id = await store.createScan(meta());
    const bad = fleet()
      .slice(0, 3)
      .map((h, i) => ({ record: { ...h.record, ip: null as unknown as string, port: 1000 + i } }));
    await assert.rejects(store.addHosts(id, bad));
    assert.equal((await store.doneTargets(id)).size, 0);
  });

  it('keeps a verdict and a CVE family a rolled-back batch stored out of later batches: they store them again', async () => {
    const id = await store.createScan(meta());
    // one classification object shared by hosts, as a judge hands out; new to the store, with a new family
    const first = makeRecord({
      ip: '192.0.2.61',
      product: 'Exchange Server 2019',
      release: 'Exchange Server 2019 CU12 (rolled back)',
      vulns: [['RolledBackFamily', 'vulnerable']],
    });
    // the bad record comes after the first INSERT of full rows (32 on SQLite, 200 on PostgreSQL), which stored the verdict
    const filler = Array.from({ length: 205 }, (_, i) => ({
      record: makeRecord({ ip: `198.18.${i >> 8}.${i & 255}` }),
    }));
    const bad = { ...makeRecord({ ip: '192.0.2.62' }), ip: null as unknown as string };
    // the batch fails and rolls back; written again in parts, the bad record alone is refused
    const refused = await store.addHosts(id, [{ record: first }, ...filler, { record: bad }]);
    assert.deepEqual(
      refused.map((r) => r.at),
      [206],
    );
    // a new verdict first: SQLite gives it the id the rolled-back one had
    const other = makeRecord({
      ip: '192.0.2.64',
      release: 'Exchange Server 2019 CU13 (after the rollback)',
    });
    await store.addHosts(id, [{ record: other }]);
    const again = { ...makeRecord({ ip: '192.0.2.63' }), classification: first.classification };
    await store.addHosts(id, [{ record: again }]);
    const got = new Map<string, StoredHost>();
    for await (const h of store.iterateHosts(id)) got.set(h.record.ip, h);
    assert.equal(got.size, 208);
    assert.ok(!got.has('192.0.2.62'));
    assert.deepEqual(got.get('192.0.2.61')?.record.classification, first.classification);
    assert.deepEqual(got.get('192.0.2.63')?.record.classification, first.classification);
    assert.deepEqual(got.get('192.0.2.64')?.record.classification, other.classification);
    const byFamily = await store.census({ scanId: id, groupBy: ['family'], asOf: '2025-01-01' });
    assert.equal(byFamily.find((r) => r.group.family === 'RolledBackFamily')?.vulnerable.RolledBackFamily, 2);
    assert.equal(
      (await store.census({ scanId: id, groupBy: [], asOf: '2025-01-01' }))[0]?.vulnerable.RolledBackFamily,
      2,
    );
  });

  it('answers a census alongside a batch that fails, rolls back and is written again, whatever their interleaving', async () => {
    const id = await store.createScan(meta());
    await store.addHosts(id, [
      { record: makeRecord({ ip: '192.0.2.1', vulns: [['ProxyLogon', 'vulnerable']] }) },
    ]);
    await store.finishScan(id, 'complete');
    const other = await store.createScan(meta());
    const bad = { record: { ...makeRecord({ ip: '192.0.2.9' }), ip: null as unknown as string } };
    const ticks = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) await Promise.resolve();
    };
    for (let d = 0; d < 40; d += 3) {
      for (const censusFirst of [true, false]) {
        const census = (async () => {
          if (!censusFirst) await ticks(d);
          return store.census({ scanId: id, groupBy: ['family'], asOf: '2025-01-01' });
        })();
        const failing = (async () => {
          if (censusFirst) await ticks(d);
          return store.addHosts(other, [
            { record: makeRecord({ ip: '192.0.2.2', vulns: [['ProxyShell', 'likely']] }) },
            bad,
          ]);
        })();
        const [rows, write] = await Promise.allSettled([census, failing]);
        assert.equal(write.status === 'fulfilled' && write.value.length, 1);
        assert.equal(
          rows.status,
          'fulfilled',
          `census failed (d=${d}): ${rows.status === 'rejected' ? String(rows.reason) : ''}`,
        );
        if (rows.status === 'fulfilled')
          assert.equal(
            rows.value.find((r) => r.group.family === 'ProxyLogon')?.vulnerable.ProxyLogon,
            1,
            `d=${d} ${censusFirst ? 'census first' : 'write first'}`,
          );
      }
    }
  });

  it('keeps scans apart', async () => {
    const id = await store.createScan(meta());
    await store.addHosts(id, [{ record: makeRecord({ ip: '192.0.2.1', kind: 'not-exchange' }) }]);
    assert.equal((await store.getScan(id))?.counts.exchange, 0);
    assert.equal((await store.getScan(scanId))?.counts.exchange, 6);
  });

  it('streams many hosts in pages and tolerates writes while streaming', async () => {
    const id = await store.createScan(meta());
    const hosts: StoredHost[] = [];
    for (let i = 0; i < 1234; i++)
      hosts.push({ record: makeRecord({ ip: `10.0.${i >> 8}.${i & 255}`, port: i % 2 ? 443 : 80 }) });
    await store.addHosts(id, hosts);
    let n = 0;
    let prev = '';
    for await (const h of store.iterateHosts(id)) {
      const key = `${h.record.ip}\u0000${String(h.record.port).padStart(5, '0')}`;
      assert.ok(key > prev, `order: ${key} after ${prev}`);
      prev = key;
      n += 1;
      // Re-judging in place while streaming, as reclassify does.
      if (n % 400 === 0)
        await store.addHosts(id, [{ record: { ...h.record, status: 'not-exchange', isExchange: false } }]);
    }
    assert.equal(n, 1234);
    assert.equal((await store.getScan(id))?.counts.exchange, 1234 - 3);
  });
}
