// Values from a file are validated and normalised once, before any store sees them: a U+0000 in a
// name, an ASN of 40 digits, an address that is none, an unreadable time. SQLite and PostgreSQL
// (EXCENSUS_TEST_PG) take the same file, finish, and report each bad record with its line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';
import { sqliteAndPostgres } from '../helpers/stores.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-ingest-values-'));
const file = join(dir, 'hostile.jsonl');
const owa = 'HTTP/1.1 200 OK\r\nX-OWA-Version: 15.1.2507.6\r\n\r\n';
const plain = 'HTTP/1.1 200 OK\r\n\r\n';
const records = [
  {
    ip_str: '198.51.100.1',
    port: 443,
    timestamp: '2025-01-01T00:00:00',
    asn: `AS${'1'.repeat(40)}`,
    org: 'Evil\u0000Org',
    location: { country_code: 'DE', city: 'Ber\u0000lin' },
    hostnames: ['a\u0000b.example'],
    data: owa,
  },
  {
    ip_str: '198.51.100.2',
    port: 443,
    timestamp: '2025-01-01T00:00:00',
    asn: 'AS3320',
    org: 'Nul\u0000Org',
    location: { country_code: 'DE' },
    data: plain,
  },
  { ip_str: '198.51.100.3', port: 443, timestamp: 'garbage', asn: 'AS3320', data: plain },
  { ip_str: 'not-an-ip', port: 443, timestamp: '2025-01-01T00:00:00', data: plain },
  {
    ip_str: '198.51.100.4',
    port: 443,
    timestamp: '2025-01-01T00:00:00',
    asn: `AS${'9'.repeat(40)}`,
    org: 'Big',
    location: { country_code: 'DE' },
    data: plain,
  },
];
writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');

const stores = sqliteAndPostgres(dir, 'v.db', 'excensus_values');

for (const { name, db } of stores) {
  for (const mode of ['rows', 'counts'] as const) {
    test(`${name}, ${mode}: NUL, a 40-digit ASN, a bad address and a bad time are normalised or reported`, async () => {
      const scan = `values-${mode}`;
      const res = await runCli([
        'ingest',
        file,
        '--db',
        db,
        '--name',
        scan,
        '--as-of',
        '2026-01-01',
        '--quiet',
        ...(mode === 'rows' ? ['--plain-rows'] : []),
      ]);
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stderr, /hostile\.jsonl:1: ASN \S+ out of range/);
      assert.match(res.stderr, /hostile\.jsonl:3: unparseable time "garbage"/);
      assert.match(res.stderr, /hostile\.jsonl:4: not an IP address: "not-an-ip"/);
      assert.match(res.stderr, /hostile\.jsonl:5: ASN \S+ out of range/);
      assert.match(res.stderr, /3 records .* 4 problems/);
      const store = await openStore(db);
      try {
        const info = await store.getScan(scan);
        assert.equal(info?.state, 'complete');
        assert.equal(info?.counts.hosts, 3);
        const hosts = [];
        for await (const h of store.iterateHosts(info.id)) hosts.push(h.record);
        const exchange = hosts.find((h) => h.ip === '198.51.100.1');
        assert.equal(exchange?.hostname, 'a\uFFFDb.example');
        assert.equal(exchange?.geo?.city, 'Ber\uFFFDlin');
        assert.equal(exchange?.asn, undefined, 'an ASN out of range is dropped, not stored as 1e+40');
        assert.equal(hosts.find((h) => h.ip === '198.51.100.4')?.asn, undefined);
        assert.ok(!hosts.some((h) => h.ip === 'not-an-ip' || h.ip === '198.51.100.3'));
        const byAsn = await store.census({ scanId: info.id, groupBy: ['asn'], asOf: '2026-01-01' });
        assert.equal(byAsn.find((r) => r.group.asn === 3320)?.asnOrg, 'Nul\uFFFDOrg');
      } finally {
        await store.close();
      }
    });
  }
}
