// The guarantees of distributed scans, each against the real PostgreSQL (EXCENSUS_TEST_PG): the
// exclusions reach every worker, two coordinators of one name enqueue once, a local resume is
// refused, SIGTERM hands a shard back at its checkpoint, a dropped connection loses no saved
// batch, and an input that keeps failing is dead-lettered, shown and retried with one command.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import {
  dropSchemas,
  hostsOf,
  openStore,
  pgUrl,
  schemaUrl,
  shardRows,
  sql,
  startWorker,
  until,
} from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-dist-fail-'));

if (!pgUrl) {
  describe('distributed scan guarantees', () => {
    it(
      'skipped: set EXCENSUS_TEST_PG=postgres://postgres@127.0.0.1:5432/test to run it',
      { skip: 'EXCENSUS_TEST_PG is not set' },
      () => {},
    );
  });
} else {
  describe('distributed scan guarantees', () => {
    const schemas: string[] = [];
    const labs: Lab[] = [];
    after(async () => {
      for (const l of labs) await l.stop();
      await dropSchemas(...schemas);
    });

    it('every worker applies the exclusions; two coordinators enqueue once; local resume refused', async () => {
      const { url, schema } = schemaUrl('excl');
      schemas.push(schema);
      const PORT = 28918;
      labs.push(
        await startLab({ seed: 3, count: 8, base: '127.94.0.1', httpsPort: PORT, mix: 'exchange-only' }),
      );
      // .9-.12 listen too, but are excluded: any connection to them is a failure
      let contacted = 0;
      const traps: Server[] = [];
      for (let i = 9; i <= 12; i++) {
        const s = createServer((sock) => {
          contacted++;
          sock.destroy();
        });
        await new Promise<void>((r) => s.listen(PORT, `127.94.0.${i}`, () => r()));
        traps.push(s);
      }
      try {
        const exclude = join(dir, 'exclude.txt');
        writeFileSync(exclude, '# not ours\n127.94.0.9-127.94.0.12\n');
        const args = [
          'scan',
          '127.94.0.1-127.94.0.12',
          '-p',
          String(PORT),
          '--db',
          url,
          '--exclude',
          exclude,
          '--queue',
          '--shards',
          '3',
          '--rate',
          '30',
          '--seed',
          '5',
          '--name',
          'excl',
          '--as-of',
          '2026-01-01',
        ];
        const [a, b] = await Promise.all([runCli(args), runCli(args)]);
        assert.equal(a.code, 0, a.stderr);
        assert.equal(b.code, 0, b.stderr);
        assert.equal([a, b].filter((r) => /was enqueued already; 0 shard/.test(r.stderr)).length, 1);
        const rows = await shardRows(schema, 'excl');
        assert.equal(rows.length, 3);
        assert.deepEqual(
          rows.map((r) => r.rate),
          [10, 10, 10],
        );
        const jobs = await sql<{ n: string }>(`SELECT count(*) AS n FROM "${schema}_boss".job`);
        assert.equal(Number(jobs[0]?.n), 3);

        const resume = await runCli([
          'scan',
          '127.94.0.1-127.94.0.12',
          '-p',
          String(PORT),
          '--db',
          url,
          '--resume-scan',
          'excl',
        ]);
        assert.notEqual(resume.code, 0);
        assert.match(resume.stderr, /distributed/);

        const ws = [
          startWorker(url, 'x1', ['--exit-when-idle']),
          startWorker(url, 'x2', ['--exit-when-idle']),
        ];
        for (const w of ws) assert.equal((await w.exited).code, 0, w.stderr());
        assert.equal(contacted, 0, 'an excluded address was contacted');
        const store = await openStore(url);
        try {
          const hosts = await hostsOf(store, 'excl');
          assert.equal(hosts.size, 8);
          for (const k of hosts.keys()) assert.ok(Number(k.split(':')[0]!.split('.')[3]) <= 8, k);
        } finally {
          await store.close();
        }
      } finally {
        for (const t of traps) t.close();
      }
    });

    it('SIGTERM hands the shard back at its checkpoint; a dropped connection loses no saved batch', async () => {
      const app = `excensus_dist_drop_${process.pid}`;
      const { url, schema } = schemaUrl('term', app);
      schemas.push(schema);
      const PORT = 28919;
      const COUNT = 120;
      labs.push(
        await startLab({ seed: 4, count: COUNT, base: '127.95.0.1', httpsPort: PORT, mix: 'exchange-only' }),
      );
      const q = await runCli([
        'scan',
        `127.95.0.1-127.95.0.${COUNT}`,
        '-p',
        String(PORT),
        '--db',
        url,
        '--queue',
        '--rate',
        '6',
        '--concurrency',
        '16',
        '--batch',
        '5',
        '--name',
        'term',
        '--as-of',
        '2026-01-01',
      ]);
      assert.equal(q.code, 0, q.stderr);
      const w1 = startWorker(url, 't1');
      await until(
        't1 to store two batches',
        async () => Number((await shardRows(schema, 'term'))[0]?.hosts_done) >= 10,
      );
      w1.child.kill('SIGTERM');
      const e1 = await w1.exited;
      assert.equal(e1.code, 0, w1.stderr());
      assert.match(w1.stderr(), /handed scan "term" shard 1\/1 back after \d+ records/);
      const [row] = await shardRows(schema, 'term');
      assert.equal(row?.state, 'queued');
      const checkpoint = Number(row?.hosts_done);
      assert.ok(checkpoint >= 10);

      const w2 = startWorker(url, 't2', ['--exit-when-idle']);
      await until(
        't2 to go past the checkpoint',
        async () => Number((await shardRows(schema, 'term'))[0]?.hosts_done) >= checkpoint + 10,
        180_000,
        () => w2.stderr(),
      );
      const saved = await storedCount(url, 'term');
      // cut every connection of the workers of this test (store, shard rows and pg-boss alike)
      const cut = await sql<{ ok: boolean }>(
        'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
        [app],
      );
      assert.ok(cut.length > 0, 'no worker connection found to terminate');
      const e2 = await w2.exited;
      if (e2.code !== 0) {
        // it may give up on the shard instead of reconnecting: non-zero, and a saved batch stays saved
        assert.ok((await storedCount(url, 'term')) >= saved);
        const w3 = startWorker(url, 't3', ['--exit-when-idle']);
        assert.equal((await w3.exited).code, 0, w3.stderr());
      }
      const store = await openStore(url);
      try {
        assert.equal((await store.getScan('term'))?.state, 'complete', w2.stderr());
        assert.equal((await hostsOf(store, 'term')).size, COUNT);
      } finally {
        await store.close();
      }
    });

    it('an input with nothing readable fails its shard instead of counting as done', async () => {
      const { url, schema } = schemaUrl('unread');
      schemas.push(schema);
      const fixture = join(repoRoot, 'test/fixtures/formats/shadowserver-scan_exchange-sample.csv');
      // a gzip cut before its first record: read without an error, nothing in it
      const junk = join(dir, 'junk.csv.gz');
      writeFileSync(junk, gzipSync(readFileSync(fixture)).subarray(0, 30));
      const q = await runCli([
        'ingest',
        fixture,
        junk,
        '--db',
        url,
        '--queue',
        '--name',
        'unread',
        '--as-of',
        '2026-01-01',
      ]);
      assert.equal(q.code, 0, q.stderr);
      const w = startWorker(url, 'u1', ['--exit-when-idle']);
      assert.equal((await w.exited).code, 0, w.stderr());
      assert.match(w.stderr(), /junk\.csv\.gz\) failed: .*dead-lettered/);
      const scans = await runCli(['scans', '--db', url]);
      assert.match(scans.stdout, /unread: shards 1\/2 done, 0 running, 0 queued, 1 failed/);
    });

    it('an input that keeps failing is dead-lettered, shown, and retried with one command', async () => {
      const { url, schema } = schemaUrl('dead');
      schemas.push(schema);
      const fixture = join(repoRoot, 'test/fixtures/formats/shadowserver-scan_exchange-sample.csv');
      const body = readFileSync(fixture);
      const web: HttpServer = createHttpServer((_req, res) => res.end(body));
      await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
      const port = (web.address() as { port: number }).port;
      try {
        const missing = join(dir, 'later.csv');
        const inputs = [fixture, missing, `http://127.0.0.1:${port}/report.csv`];
        const q = await runCli([
          'ingest',
          ...inputs,
          '--db',
          url,
          '--queue',
          '--name',
          'ing',
          '--as-of',
          '2026-01-01',
        ]);
        assert.equal(q.code, 0, q.stderr);
        const w = startWorker(url, 'd1', ['--exit-when-idle']);
        assert.equal((await w.exited).code, 0, w.stderr());
        assert.match(w.stderr(), /dead-lettered/);

        const scans = await runCli(['scans', '--db', url]);
        assert.equal(scans.code, 0, scans.stderr);
        assert.match(scans.stdout, /ing: shards 2\/3 done, 0 running, 0 queued, 1 failed/);
        assert.ok(scans.stdout.includes(`shard 2 (${missing}) failed`), scans.stdout);
        const rep = await runCli(['report', '--db', url, '--scan', 'ing', '--as-of', '2026-01-01']);
        assert.match(rep.stdout, /scan "ing" is not finished.*its counts are partial/);
        for (const format of ['md', 'html']) {
          const r = await runCli([
            'report',
            '--db',
            url,
            '--scan',
            'ing',
            '--format',
            format,
            '--as-of',
            '2026-01-01',
          ]);
          assert.match(
            r.stdout,
            /scan (&quot;|")ing(&quot;|") is not finished.*its counts are partial/,
            format,
          );
        }
        const repJson = await runCli([
          'report',
          '--db',
          url,
          '--scan',
          'ing',
          '--json',
          '--as-of',
          '2026-01-01',
        ]);
        assert.ok(
          repJson.stdout
            .split('\n')
            .filter(Boolean)
            .every((l) => JSON.parse(l).complete === false),
        );

        copyFileSync(fixture, missing);
        const retry = await runCli(['scans', 'retry', 'ing', '--db', url]);
        assert.equal(retry.code, 0, retry.stderr);
        assert.match(retry.stderr, /1 failed shard\(s\) of "ing" queued again/);
        const w2 = startWorker(url, 'd2', ['--exit-when-idle']);
        assert.equal((await w2.exited).code, 0, w2.stderr());
        const after = await runCli(['scans', '--db', url, '--json']);
        const line = after.stdout
          .split('\n')
          .filter(Boolean)
          .map(
            (l) =>
              JSON.parse(l) as { name: string; state: string; shards?: { done: number; complete: boolean } },
          )
          .find((s) => s.name === 'ing');
        assert.equal(line?.state, 'complete');
        assert.deepEqual([line?.shards?.done, line?.shards?.complete], [3, true]);
        assert.deepEqual(
          (await shardRows(schema, 'ing')).map((r) => r.state),
          ['done', 'done', 'done'],
        );
      } finally {
        web.close();
      }
    });
  });
}

async function storedCount(url: string, name: string): Promise<number> {
  const store = await openStore(url);
  try {
    return (await hostsOf(store, name)).size;
  } finally {
    await store.close();
  }
}
