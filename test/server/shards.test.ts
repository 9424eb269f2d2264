// A distributed scan's shard progress on the dashboard, over the real PostgreSQL
// (EXCENSUS_TEST_PG): `scan --queue` enqueues three shards, a holder takes one, a worker process
// runs them all; /api/scans and the scans page follow each step as `scans --json` does.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { runCli } from '../helpers/cli.js';
import { ShardQueue } from '../../src/queue/index.js';
import { watchShards, type ShardWatch } from '../../src/run/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { dropSchemas, openStore, pgUrl, schemaUrl, sql, startWorker } from '../queue/helpers.js';
import type { Store } from '../../src/store/index.js';

function get(base: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(new URL(path, base), (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    })
      .on('error', reject)
      .end();
  });
}

interface ScanJson {
  name: string;
  shards?: {
    queued: number;
    running: number;
    done: number;
    failed: number;
    total: number;
    hosts_done: number;
    workers: string[];
    complete: boolean;
  };
}

if (!pgUrl) {
  describe('excensus serve: shard progress', () => {
    it(
      'skipped: set EXCENSUS_TEST_PG=postgres://postgres@127.0.0.1:5432/test to run it',
      {
        skip: 'EXCENSUS_TEST_PG is not set',
      },
      () => {},
    );
  });
} else {
  describe('excensus serve: shard progress', () => {
    const { url, schema } = schemaUrl('serve');
    let store: Store;
    let shards: ShardWatch;
    let srv: RunningServer;
    before(async () => {
      // nothing listens on these addresses and port: each shard ends quickly
      const q = await runCli([
        'scan',
        '127.96.0.1-127.96.0.9',
        '-p',
        '28931',
        '--db',
        url,
        '--queue',
        '--shards',
        '3',
        '--name',
        'dist',
        '--timeout',
        '1s',
        '--as-of',
        '2026-01-01',
      ]);
      assert.equal(q.code, 0, q.stderr);
      store = await openStore(url);
      shards = watchShards(url);
      srv = await startServer({
        store,
        shards,
        host: '127.0.0.1',
        port: 0,
        token: null,
        today: () => '2026-01-01',
        log: () => undefined,
      });
    });
    after(async () => {
      await srv?.close();
      await shards?.close();
      await store?.close();
      await dropSchemas(schema);
    });

    const dist = async (): Promise<ScanJson> => {
      const res = await get(srv.url, '/api/scans');
      assert.equal(res.status, 200, res.body);
      const scan = (JSON.parse(res.body) as ScanJson[]).find((s) => s.name === 'dist');
      assert.ok(scan?.shards, res.body);
      return scan;
    };

    it('shows queued, running and done shards and the hosts done, as scans --json does', async () => {
      let s = await dist();
      assert.deepEqual(
        [s.shards!.queued, s.shards!.running, s.shards!.done, s.shards!.failed, s.shards!.total],
        [3, 0, 0, 0, 3],
      );
      let page = (await get(srv.url, '/scans')).body;
      assert.match(page, /data-poll="\/api\/scans"/);
      assert.match(page, /<span class="shard-queued" data-shards="queued">3 queued<\/span>/);

      const queue = await ShardQueue.open(url);
      try {
        const [held] = await queue.take(1, 'holder-1');
        assert.ok(held);
        s = await dist();
        assert.deepEqual([s.shards!.queued, s.shards!.running, s.shards!.done], [2, 1, 0]);
        assert.deepEqual(s.shards!.workers, ['holder-1']);
        page = (await get(srv.url, '/scans')).body;
        assert.match(page, />1 running<\/span>/);
        await queue.release(held, 0);
      } finally {
        await queue.close();
      }

      const w = startWorker(url, 'w1', ['--exit-when-idle']);
      assert.equal((await w.exited).code, 0, w.stderr());
      s = await dist();
      assert.deepEqual([s.shards!.queued, s.shards!.running, s.shards!.done, s.shards!.failed], [0, 0, 3, 0]);
      assert.equal(s.shards!.complete, true);
      const rows = await sql<{ n: string }>(`SELECT SUM(hosts_done) AS n FROM "${schema}".scan_shards`);
      assert.equal(s.shards!.hosts_done, Number(rows[0]?.n));
      const cli = await runCli(['scans', '--db', url, '--json']);
      const line = cli.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as ScanJson)
        .find((x) => x.name === 'dist');
      assert.deepEqual(s.shards, line?.shards);
      page = (await get(srv.url, '/scans')).body;
      assert.match(page, />3 done<\/span> of 3/);
    });
  });
}
