// The dashboard API over scans that are empty, unfinished or interrupted: what it answers agrees
// with `report` (404 where report refuses, rows marked where a scan is not complete), over a real
// SQLite store and a real HTTP server on loopback.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.js';
import { startServer } from '../../src/server/index.js';
import { runCli } from '../helpers/cli.js';
import { get } from './http.js';

const AS_OF = '2026-12-01';

/** A fresh SQLite store holding a complete scan named "empty" with no record, and its file. */
async function storeWithEmptyScan(prefix: string): Promise<{ db: string; store: Store; meta: typeof META }> {
  const db = join(mkdtempSync(join(tmpdir(), prefix)), 'e.db');
  const store = await openStore(db);
  await store.finishScan(
    await store.createScan({ ...META, name: 'empty', startedAt: '2026-11-01T00:00:00Z' }),
    'complete',
  );
  return { db, store, meta: META };
}

const META = {
  kind: 'ingest' as const,
  source: 'shodan',
  series: 's',
  inputs: [] as string[],
  options: {},
};

describe('excensus serve: scans that are empty or not complete', () => {
  it('answers a CSV export of an empty or unfinished scan with 404, before any CSV is sent', async () => {
    const { store: empty, meta } = await storeWithEmptyScan('excensus-serve-empty-');
    await empty.createScan({ ...meta, name: 'running', startedAt: '2026-11-02T00:00:00Z' });
    const seen: string[] = [];
    const s = await startServer({
      store: empty,
      host: '127.0.0.1',
      port: 0,
      token: null,
      today: () => AS_OF,
      log: (l) => seen.push(l),
    });
    try {
      for (const path of ['/api/hosts.csv?scan=empty', '/api/hosts.csv?scan=running']) {
        const res = await get(s.url, path);
        assert.equal(res.status, 404, `${path}: ${res.status} ${res.body.slice(0, 200)}`);
        assert.ok(JSON.parse(res.body).error, path);
      }
      assert.deepEqual(seen, [], 'no stack trace in the log');
    } finally {
      await s.close();
      await empty.close();
    }
  });

  it('answers /api/census as report --json does for an empty scan and an interrupted one', async () => {
    const { makeRecord } = await import('../store/records.js');
    const { db, store: s0, meta } = await storeWithEmptyScan('excensus-serve-census-');
    const cut = await s0.createScan({ ...meta, name: 'cut', startedAt: '2026-11-02T00:00:00Z' });
    await s0.addHosts(cut, [
      { record: makeRecord({ ip: '192.0.2.1', country: 'DE', continent: 'EU', asn: 3320 }) },
      { record: makeRecord({ ip: '192.0.2.2', country: 'FR', continent: 'EU', asn: 16276 }) },
    ]);
    await s0.finishScan(cut, 'interrupted');
    await s0.close();
    const ro = await openStore(db, { create: false });
    const seen: string[] = [];
    const s = await startServer({
      store: ro,
      host: '127.0.0.1',
      port: 0,
      token: null,
      today: () => AS_OF,
      log: (l) => seen.push(l),
    });
    try {
      for (const by of ['', '&by=country']) {
        const cli = await runCli([
          'report',
          '--db',
          db,
          '--scan',
          'empty',
          '--json',
          ...(by ? ['--by', 'country'] : []),
        ]);
        assert.notEqual(cli.code, 0, 'report refuses an empty scan');
        const res = await get(s.url, `/api/census?scan=empty${by}`);
        assert.equal(res.status, 404, `${by}: ${res.status} ${res.body.slice(0, 200)}`);
        assert.match(JSON.parse(res.body).error, /holds no records/);
      }
      const cli = await runCli([
        'report',
        '--db',
        db,
        '--scan',
        'cut',
        '--by',
        'country',
        '--json',
        '--as-of',
        AS_OF,
      ]);
      assert.equal(cli.code, 0, cli.stderr);
      const want = cli.stdout
        .trim()
        .split('\n')
        .map((l) => {
          const { schema_version: _, ...row } = JSON.parse(l) as Record<string, unknown>;
          return row;
        });
      assert.equal(want[0]?.complete, false);
      const res = await get(s.url, `/api/census?scan=cut&by=country&as_of=${AS_OF}`);
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(JSON.parse(res.body), want);
      // the network bundle is notify's, partial-scan note included
      const out = mkdtempSync(join(tmpdir(), 'excensus-serve-notify-'));
      const notify = await runCli([
        'notify',
        '--db',
        db,
        '--scan',
        'cut',
        '--by',
        'asn',
        '--out',
        out,
        '--all',
        '--as-of',
        AS_OF,
      ]);
      assert.equal(notify.code, 0, notify.stderr);
      const { readdirSync, readFileSync } = await import('node:fs');
      const file = readdirSync(out).find((f) => f.startsWith('AS3320') && f.endsWith('.md'))!;
      const written = readFileSync(join(out, file), 'utf8');
      assert.match(written, /Note: /);
      const md = await get(s.url, `/api/bundle?scan=cut&asn=3320&format=md&all=1&as_of=${AS_OF}`);
      assert.equal(md.status, 200, md.body);
      assert.equal(md.body, written);
      const empty = await get(s.url, `/api/bundle?scan=empty&asn=3320&format=md`);
      assert.equal(empty.status, 404, empty.body);
      assert.deepEqual(seen, [], 'no stack trace in the log');
    } finally {
      await s.close();
      await ro.close();
    }
  });
});
