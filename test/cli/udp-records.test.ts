// A UDP record keyed ip:port would take the place of the same TCP port's record (a QUIC answer on
// 443 replaced an Exchange server's OWA record, and the census lost the server). Every reader and
// path skips UDP records as counted problems with their line numbers; written = stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-udp-'));
const exchange = readFileSync(
  new URL('../fixtures/formats/shodan-exchange.synthetic.jsonl', import.meta.url),
  'utf8',
).split('\n')[0]!;
const ip = (JSON.parse(exchange) as { ip_str: string }).ip_str;
const plain = (addr: string, port: number, extra: string): string =>
  `{"ip_str": "${addr}", "port": ${port}, "timestamp": "2023-11-20T11:00:00.000000", "data": "x", "hostnames": []${extra}}`;
const geo = ', "asn": "AS3320", "org": "Example", "location": {"country_code": "DE"}';
const lines = [
  exchange,
  plain(ip, 443, ', "transport": "udp"'), // line 2: no network, would be a row
  plain('192.0.2.201', 80, ''),
  plain('192.0.2.202', 53, `, "transport": "udp"${geo}`), // line 4: would be counted
  plain('192.0.2.203', 8080, ''),
];
const file = join(dir, 'u.jsonl');
writeFileSync(file, lines.join('\n') + '\n');

for (const [name, extra] of [
  ['calling thread', ['--workers', '0']],
  ['worker threads', ['--workers', '2']],
] as const) {
  for (const rows of [true, false]) {
    test(`UDP records are skipped as problems (${name}${rows ? ', --plain-rows' : ''})`, async () => {
      const db = join(dir, `${name.replace(' ', '-')}-${rows}.db`);
      const r = await runCli([
        'ingest',
        file,
        '--db',
        db,
        '--name',
        'u',
        '--as-of',
        '2026-01-01',
        ...extra,
        ...(rows ? ['--plain-rows'] : []),
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /u\.jsonl:2: UDP port 443 skipped/);
      assert.match(r.stderr, /u\.jsonl:4: UDP port 53 skipped/);
      const store = await openStore(db);
      try {
        const scan = (await store.getScan('u'))!;
        const stored: string[] = [];
        for await (const h of store.iterateHosts(scan.id))
          stored.push(`${h.record.ip}:${h.record.port}:${h.record.status}`);
        assert.deepEqual(stored.sort(), [
          `${ip}:443:exchange`,
          '192.0.2.201:80:not-exchange',
          '192.0.2.203:8080:not-exchange',
        ]);
      } finally {
        await store.close();
      }
      const rep = await runCli(['report', '--db', db, '--json', '--as-of', '2026-01-01']);
      assert.equal(rep.code, 0, rep.stderr);
      assert.equal((JSON.parse(rep.stdout.trim().split('\n')[0]!) as { exchange: number }).exchange, 1);
    });
  }
}
