// The host list of Exchange servers counts as the census does, by server: an address that shows
// Exchange on 443 and Exchange Online (a suspect) on 8443 is one suspect server, so none of its
// records is listed as on-premises Exchange (the dashboard listed the 443 record with its CVEs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';
import { sqliteAndPostgres } from '../helpers/stores.js';

const fixture = new URL('../fixtures/census/server-with-suspect-port.synthetic.jsonl', import.meta.url)
  .pathname;

const dir = mkdtempSync(join(tmpdir(), 'excensus-server-exchange-'));
const stores = sqliteAndPostgres(dir, 's.db', 'excensus_server_ex');

for (const { name, db } of stores)
  test(`${name}: records of a server with a suspect port are not listed as Exchange`, async () => {
    // a plain Exchange server beside it, so the list is not empty by accident
    const other = join(dir, 'other.jsonl');
    const { readFileSync, writeFileSync } = await import('node:fs');
    const first = readFileSync(fixture, 'utf8').split('\n')[0]!.replaceAll('192.0.2.10', '192.0.2.77');
    writeFileSync(other, first + '\n');
    const r = await runCli(['ingest', fixture, other, '--db', db, '--name', 's', '--as-of', '2026-01-01']);
    assert.equal(r.code, 0, r.stderr);
    const rep = await runCli(['report', '--db', db, '--json', '--as-of', '2026-01-01']);
    const total = JSON.parse(rep.stdout.trim().split('\n')[0]!) as { exchange: number; suspect: number };
    assert.deepEqual([total.exchange, total.suspect], [1, 1]);

    const store = await openStore(db);
    try {
      const scanId = (await store.getScan('s'))!.id;
      const filter = { exchangeOnly: true, asOf: '2026-01-01' };
      const listed: string[] = [];
      for await (const h of store.iterateHosts(scanId, filter))
        listed.push(`${h.record.ip}:${h.record.port}`);
      assert.deepEqual(listed, ['192.0.2.77:443']);
      for (const sort of ['ip', 'port', 'country'] as const) {
        const page = await store.hostPage({ scanId, filter, sort, desc: false, limit: 50, offset: 0 });
        assert.deepEqual(
          page.rows.map((h) => `${h.ip}:${h.port}`),
          ['192.0.2.77:443'],
          `host page sorted by ${sort}`,
        );
        assert.equal(page.total, 1);
      }
    } finally {
      await store.close();
    }
  });
