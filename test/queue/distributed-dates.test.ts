// Distributed scans and ingests are dated like local ones, against the real PostgreSQL
// (EXCENSUS_TEST_PG): by the observed window of their records' own times, merged over every shard,
// input and worker (not by when they were enqueued); --observed-at travels with queued inputs; and
// a scan whose shards are all done is marked complete even if its last worker stopped first.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { dropSchemas, openStore, pgUrl, schemaUrl, shardRows, sql, startWorker } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-dist-dates-'));

/** A Shodan banner; without `timestamp`, a record whose source gave no time. */
function banner(ip: string, timestamp: string | undefined, build?: string): string {
  const headers = build ? `X-OWA-Version: ${build}\r\n` : 'Server: nginx\r\n';
  return JSON.stringify({
    ip_str: ip,
    port: 443,
    ...(timestamp ? { timestamp } : {}),
    asn: 'AS3320',
    org: 'Example AG',
    location: { country_code: 'DE' },
    data: `HTTP/1.1 200 OK\r\n${headers}\r\n`,
    _shodan: { module: 'https' },
  });
}

async function scansJson(url: string): Promise<Array<Record<string, unknown>>> {
  const r = await runCli(['scans', '--json', '--db', url]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const windowOf = (scans: Array<Record<string, unknown>>, name: string) => {
  const s = scans.find((x) => x.name === name);
  return [s?.observed_first, s?.observed_last];
};

if (!pgUrl) {
  describe('distributed scan dates', () => {
    it(
      'skipped: set EXCENSUS_TEST_PG=postgres://postgres@127.0.0.1:5432/test to run it',
      { skip: 'EXCENSUS_TEST_PG is not set' },
      () => {},
    );
  });
} else {
  describe('distributed scan dates', () => {
    const schemas: string[] = [];
    const labs: Lab[] = [];
    after(async () => {
      for (const l of labs) await l.stop();
      await dropSchemas(...schemas);
    });

    it('a queued ingest carries the observed window a local ingest of its inputs gets', async () => {
      const { url, schema } = schemaUrl('dates');
      schemas.push(schema);
      const april = join(dir, 'april.jsonl');
      writeFileSync(
        april,
        [
          banner('192.0.2.1', '2025-04-03T09:00:00.000000', '15.0.1497.2'),
          banner('192.0.2.2', '2025-04-02T08:00:00.000000', '15.1.2507.6'),
          banner('192.0.2.3', undefined, '15.1.2507.6'), // no time: dated by the ingest, not part of the window
        ].join('\n') + '\n',
      );
      const may = join(dir, 'may.jsonl');
      writeFileSync(
        may,
        [
          banner('192.0.2.4', '2025-05-06T07:00:00.000000'),
          banner('192.0.2.5', '2025-05-01T10:00:00.000000', '15.2.1544.4'),
        ].join('\n') + '\n',
      );
      const common = ['--db', url, '--as-of', '2026-01-01'];
      const local = await runCli(['ingest', april, may, '--name', 'local', ...common]);
      assert.equal(local.code, 0, local.stderr);
      const q = await runCli(['ingest', april, may, '--queue', '--name', 'queued', ...common]);
      assert.equal(q.code, 0, q.stderr);
      const fixed = ['ingest', april, '--queue', '--name', 'fixed', '--observed-at', '2025-01-02', ...common];
      assert.equal((await runCli(fixed)).code, 0);
      // enqueued: dated by --observed-at at once, the others by nothing yet
      const before = await scansJson(url);
      assert.deepEqual(windowOf(before, 'queued'), [null, null]);
      assert.deepEqual(windowOf(before, 'fixed'), ['2025-01-02T00:00:00.000Z', '2025-01-02T00:00:00.000Z']);

      // two workers, so the two inputs of "queued" may land in either order from either of them
      const ws = [startWorker(url, 'd1', ['--exit-when-idle']), startWorker(url, 'd2', ['--exit-when-idle'])];
      for (const w of ws) assert.equal((await w.exited).code, 0, w.stderr());
      const scans = await scansJson(url);
      assert.deepEqual(windowOf(scans, 'local'), ['2025-04-02T08:00:00.000Z', '2025-05-06T07:00:00.000Z']);
      assert.deepEqual(windowOf(scans, 'queued'), windowOf(scans, 'local'));
      assert.deepEqual(windowOf(scans, 'fixed'), ['2025-01-02T00:00:00.000Z', '2025-01-02T00:00:00.000Z']);
      assert.equal(scans.find((s) => s.name === 'queued')?.state, 'complete');
      // listed by the date of their data, not by when they were ingested
      assert.deepEqual(
        scans.map((s) => s.name),
        ['fixed', 'local', 'queued'],
      );
    });

    it('a distributed scan is dated by its probes over every shard and worker', async () => {
      const { url, schema } = schemaUrl('pdate');
      schemas.push(schema);
      const PORT = 28921;
      labs.push(
        await startLab({ seed: 9, count: 24, base: '127.96.0.1', httpsPort: PORT, mix: 'exchange-only' }),
      );
      // workers first (they wait for work: the store exists); `--wait` returns once the scan is done and marked complete
      await (await openStore(url)).close();
      const ws = [startWorker(url, 'p1'), startWorker(url, 'p2')];
      const q = await runCli([
        'scan',
        '127.96.0.1-127.96.0.24',
        '-p',
        String(PORT),
        '--db',
        url,
        '--queue',
        '--wait',
        '--shards',
        '3',
        '--rate',
        '12',
        '--batch',
        '2',
        '--concurrency',
        '4',
        '--name',
        'probed',
        '--as-of',
        '2026-01-01',
      ]);
      assert.equal(q.code, 0, q.stderr);
      assert.match(q.stderr, /probed: shards 3\/3 done/);
      const marked = await openStore(url);
      try {
        assert.equal((await marked.getScan('probed'))?.state, 'complete', 'marked when --wait returns');
      } finally {
        await marked.close();
      }
      for (const w of ws) w.child.kill('SIGTERM');
      for (const w of ws) assert.equal((await w.exited).code, 0, w.stderr());
      const [times] = await sql<{ first: string; last: string; n: string }>(
        `SELECT min(h.observed_at) AS first, max(h.observed_at) AS last, count(*) AS n FROM "${schema}".hosts h
         JOIN "${schema}".scans c ON c.id = h.scan_id WHERE c.name = 'probed'`,
      );
      assert.equal(Number(times?.n), 24);
      const store = await openStore(url);
      try {
        const scan = await store.getScan('probed');
        assert.equal(scan?.state, 'complete');
        // every probe's time is in the normalised form, so the window is exactly the records' span
        assert.deepEqual(scan?.observed, { first: times?.first, last: times?.last });
        assert.ok(times!.first < times!.last, 'shards at 4 hosts/s each took more than a millisecond');
      } finally {
        await store.close();
      }

      // the worker that finished the last shard stopped before marking the scan: the next one does
      await sql(
        `UPDATE "${schema}".scans SET state = 'running' WHERE name = 'probed';
         UPDATE "${schema}".scan_shards SET finished_ms = finished_ms - 60000`,
      );
      const late = startWorker(url, 'p3', ['--exit-when-idle']);
      assert.equal((await late.exited).code, 0, late.stderr());
      assert.match(late.stderr(), /every shard was done but the scan was not marked complete/);
      assert.deepEqual(
        (await shardRows(schema, 'probed')).map((r) => r.state),
        ['done', 'done', 'done'],
      );
      const rep = await runCli([
        'report',
        '--db',
        url,
        '--scan',
        'probed',
        '--json',
        '--as-of',
        '2026-01-01',
      ]);
      assert.equal(rep.code, 0, rep.stderr);
      assert.ok(rep.stdout.split('\n').filter(Boolean).length > 0);
      for (const l of rep.stdout.split('\n').filter(Boolean))
        assert.equal((JSON.parse(l) as { complete?: boolean }).complete, undefined, l);
    });
  });
}
