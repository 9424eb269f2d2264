// The shard queue itself against the real PostgreSQL (EXCENSUS_TEST_PG), without worker
// processes: shards of one scan ending at the same moment in two workers, and the window their
// checkpoints give the scan.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ShardQueue, type HeldShard, type IngestJob } from '../../src/queue/index.js';
import { dropSchemas, openStore, pgUrl, schemaUrl, shardRows } from './helpers.js';

if (!pgUrl) {
  describe('shard queue', () => {
    it(
      'skipped: set EXCENSUS_TEST_PG=postgres://postgres@127.0.0.1:5432/test to run it',
      { skip: 'EXCENSUS_TEST_PG is not set' },
      () => {},
    );
  });
} else {
  describe('shard queue', () => {
    const { url, schema } = schemaUrl('queue');
    after(() => dropSchemas(schema));

    /** A scan of `n` ingest inputs, enqueued; returns its id. */
    async function enqueued(queue: ShardQueue, name: string, n: number): Promise<number> {
      const store = await openStore(url);
      let id: number;
      try {
        id = await store.createScan({
          name,
          kind: 'ingest',
          source: 'auto',
          series: 'test',
          startedAt: '2026-12-01T00:00:00.000Z',
          inputs: [],
          options: { distributed: { queue: 'test', shards: n } },
        });
      } finally {
        await store.close();
      }
      const jobs: IngestJob[] = Array.from({ length: n }, (_, i) => ({
        kind: 'ingest',
        scanId: id,
        scanName: name,
        shard: i + 1,
        shards: n,
        asOf: '2026-01-01',
        geo: {},
        input: `/nonexistent/${i + 1}`,
        exchangeOnly: false,
      }));
      assert.equal(await queue.enqueue(jobs), n);
      return id;
    }

    it('two workers finishing the last two shards at once both complete them; one sees the scan done', async () => {
      const a = await ShardQueue.open(url);
      const b = await ShardQueue.open(url);
      try {
        for (let round = 1; round <= 12; round++) {
          const name = `pair-${round}`;
          await enqueued(a, name, 2);
          const [ha] = await a.take(1, 'a');
          const [hb] = await b.take(1, 'b');
          assert.ok(ha && hb);
          const ends = await Promise.allSettled([a.done(ha, 1), b.done(hb, 1)]);
          for (const e of ends)
            assert.equal(e.status, 'fulfilled', e.status === 'rejected' ? String(e.reason) : '');
          const results = ends.map((e) => (e as PromiseFulfilledResult<{ scanComplete: boolean }>).value);
          assert.deepEqual(results.map((r) => r.scanComplete).sort(), [false, true], name);
          assert.deepEqual(
            (await shardRows(schema, name)).map((r) => [r.state, r.attempts]),
            [
              ['done', 1],
              ['done', 1],
            ],
          );
        }
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('checkpoints and ends widen the scan’s observed window, never narrow it', async () => {
      const q = await ShardQueue.open(url);
      try {
        const id = await enqueued(q, 'window', 3);
        const held: HeldShard[] = await q.take(3, 'w');
        assert.equal(held.length, 3);
        const [h1, h2, h3] = held as [HeldShard, HeldShard, HeldShard];
        const w = (first: string, last: string) => ({
          first: `2025-0${first}T00:00:00.000Z`,
          last: `2025-0${last}T00:00:00.000Z`,
        });
        assert.equal(await q.beat(h1, 5, w('3-10', '3-12')), true);
        assert.equal(await q.beat(h2, 5, w('3-01', '3-11')), true);
        assert.equal(await q.release(h2, 5, w('3-01', '3-13')), true);
        await q.fail(h3, 'broken input', 2, w('3-05', '3-06'));
        await q.done(h1, 9, w('3-10', '3-20'));
        // a holder that lost its lease (h2 handed back) checkpoints nothing
        assert.equal(await q.beat(h2, 7, w('1-01', '9-01')), false);
        const store = await openStore(url);
        try {
          assert.deepEqual((await store.getScan(id))?.observed, w('3-01', '3-20'));
        } finally {
          await store.close();
        }
      } finally {
        await q.close();
      }
    });
  });
}
