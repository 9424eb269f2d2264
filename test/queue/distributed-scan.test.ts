// Distributed scans against the real PostgreSQL (EXCENSUS_TEST_PG) and the lab fleet: three
// worker processes, one killed with SIGKILL mid-shard, a fourth started later; the stored scan
// must equal a single-process scan of the same fleet, host by host, each target stored once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { truthToWire } from '../../src/lab/truth-wire.js';
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

if (!pgUrl) {
  describe('distributed scan', () => {
    it(
      'skipped: set EXCENSUS_TEST_PG=postgres://postgres@127.0.0.1:5432/test to run it',
      {
        skip: 'EXCENSUS_TEST_PG is not set',
      },
      () => {},
    );
  });
} else {
  describe('distributed scan', () => {
    const { url, schema } = schemaUrl('kill');
    const dir = mkdtempSync(join(tmpdir(), 'excensus-dist-'));
    const COUNT = 200;
    const PORT = 28917;
    let lab: Lab;
    let truth: string;
    before(async () => {
      lab = await startLab({
        seed: 17,
        count: COUNT,
        base: '127.93.0.1',
        httpsPort: PORT,
        mix: 'exchange-only',
      });
      truth = join(dir, 'truth.jsonl');
      writeFileSync(truth, lab.hosts.map((h) => JSON.stringify(truthToWire(h))).join('\n') + '\n');
    });
    after(async () => {
      await lab?.stop();
      await dropSchemas(schema);
    });

    const common = (rate: string) => [
      'scan',
      `127.93.0.1-127.93.0.${COUNT}`,
      '-p',
      String(PORT),
      '--db',
      url,
      '--lab-truth',
      truth,
      '--seed',
      '23',
      '--rate',
      rate,
      // few hosts in flight and long deadlines: on a loaded machine, timeouts would differ run to run
      '--concurrency',
      '16',
      '--timeout',
      '10s',
      '--host-timeout',
      '30s',
      '--as-of',
      '2026-01-01',
    ];

    it('a killed worker’s shard is taken back and finished; the result equals a single-process scan', async () => {
      const ref = await runCli([...common('0'), '--name', 'single']);
      assert.equal(ref.code, 0, ref.stderr);

      // 4 shards of 50 hosts at 10 hosts/s each (40 in total): about 5 s per shard
      const q = await runCli([...common('40'), '--queue', '--shards', '4', '--batch', '4', '--name', 'dist']);
      assert.equal(q.code, 0, q.stderr);
      assert.equal(q.stdout.trim(), 'dist');

      const idle = ['--exit-when-idle'];
      const w1 = startWorker(url, 'w1', idle);
      const w2 = startWorker(url, 'w2', idle);
      const w3 = startWorker(url, 'w3', idle);
      // kill w1 once it has stored part of its shard (a checkpoint beyond the start)
      const before = await until('w1 to checkpoint mid-shard', async () => {
        const rows = await shardRows(schema, 'dist');
        return rows.find((r) => r.worker === 'w1' && r.state === 'running' && Number(r.hosts_done) >= 8);
      });
      w1.child.kill('SIGKILL');
      await w1.exited;
      const w4 = startWorker(url, 'w4', idle);
      const ends = await Promise.all([w2.exited, w3.exited, w4.exited]);
      const logs = [w2, w3, w4].map((w) => w.stderr()).join('');
      for (const e of ends) assert.equal(e.code, 0, logs);

      assert.match(logs, new RegExp(`took back scan \\d+ shard ${before.shard}/4 from w1`), logs);
      // the next holder started from the checkpoint, not from the shard's beginning
      const resumed = new RegExp(
        `took scan "dist" shard ${before.shard}/4, (\\d+) records stored before`,
      ).exec(logs);
      assert.ok(resumed && Number(resumed[1]) >= 8, logs);

      const rows = await shardRows(schema, 'dist');
      assert.deepEqual(
        rows.map((r) => r.state),
        ['done', 'done', 'done', 'done'],
      );
      assert.ok((rows.find((r) => r.shard === before.shard)?.attempts ?? 0) >= 2);
      // each shard scanned at its share of the total rate
      assert.deepEqual(
        rows.map((r) => r.rate),
        [10, 10, 10, 10],
      );

      const store = await openStore(url);
      try {
        const scan = await store.getScan('dist');
        assert.equal(scan?.state, 'complete');
        // dated by its records' times over every shard and attempt, the killed worker's included
        const [times] = await sql<{ first: string; last: string }>(
          `SELECT min(h.observed_at) AS first, max(h.observed_at) AS last FROM "${schema}".hosts h
           JOIN "${schema}".scans c ON c.id = h.scan_id WHERE c.name = 'dist'`,
        );
        assert.deepEqual(scan?.observed, { first: times?.first, last: times?.last });
        const single = await hostsOf(store, 'single');
        const dist = await hostsOf(store, 'dist'); // throws on a target stored twice
        assert.equal(single.size, COUNT);
        assert.deepEqual(dist, single);
      } finally {
        await store.close();
      }
      const rep = await runCli(['report', '--db', url, '--scan', 'dist', '--json', '--as-of', '2026-01-01']);
      assert.equal(rep.code, 0, rep.stderr);
      assert.ok(
        rep.stdout
          .split('\n')
          .filter(Boolean)
          .every((l) => JSON.parse(l).complete !== false),
      );
    });
  });
}
