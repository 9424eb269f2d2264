// /api/census keeps a census's JSON with the store's kept rows; a scan finishing while the server
// runs does not change those rows (no new data version), only the marks its JSON carries
// (complete: false, scan_state). A store written by another process while a real server reads it.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';
import { startServer } from '../../src/server/index.js';
import { makeRecord } from '../store/records.js';
import { sqliteAndPostgres } from '../helpers/stores.js';

const AS_OF = '2026-12-01';
const dir = mkdtempSync(join(tmpdir(), 'excensus-serve-state-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function rows(url: string, path: string): Promise<Array<Record<string, unknown>>> {
  const res = await fetch(new URL(path, url));
  const text = await res.text();
  assert.equal(res.status, 200, text.slice(0, 200));
  return JSON.parse(text) as Array<Record<string, unknown>>;
}

for (const { name, db } of sqliteAndPostgres(dir, 's.db', 'excensus_serve_state'))
  describe(`excensus serve: /api/census while a scan finishes: ${name}`, () => {
    it('drops the running marks once the scan completes', async () => {
      const writer = await openStore(db);
      const scanId = await writer.createScan({
        kind: 'ingest',
        source: 'shodan',
        series: 's',
        inputs: [],
        options: {},
        name: 'live',
        startedAt: '2026-11-02T00:00:00Z',
      });
      await writer.addHosts(scanId, [
        { record: makeRecord({ ip: '192.0.2.1', country: 'DE', continent: 'EU', asn: 3320 }) },
        { record: makeRecord({ ip: '192.0.2.2', country: 'FR', continent: 'EU', asn: 16276 }) },
      ]);
      const reader = await openStore(db, { create: false });
      const s = await startServer({
        store: reader,
        host: '127.0.0.1',
        port: 0,
        token: null,
        today: () => AS_OF,
        log: () => {},
      });
      try {
        for (const by of ['country', 'asn']) {
          const path = `/api/census?scan=live&by=${by}&as_of=${AS_OF}`;
          const running = await rows(s.url, path);
          assert.equal(running.length, 2);
          for (const r of running) assert.deepEqual([r.complete, r.scan_state], [false, 'running']);
          // asked twice: the kept JSON
          assert.deepEqual(await rows(s.url, path), running);
        }
        await writer.finishScan(scanId, 'complete');
        for (const by of ['country', 'asn']) {
          const done = await rows(s.url, `/api/census?scan=live&by=${by}&as_of=${AS_OF}`);
          assert.equal(done.length, 2);
          for (const r of done) assert.deepEqual([r.complete, r.scan_state], [undefined, undefined], by);
        }
      } finally {
        await s.close();
        await reader.close();
        await writer.close();
      }
    });
  });
