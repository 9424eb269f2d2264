// nmap XML with one port number on TCP and UDP: nothing merged silently (the written count is
// what the store holds), and exported host URLs only for the probe plan's web ports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { parseCsv } from '../../src/kb/csv.js';
import { openStore } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-nmap-proto-'));
// the Exchange fixture (SMTP on 25, OWA on 443), with a UDP 443 answer added to its first host
const xml = readFileSync(
  new URL('../fixtures/formats/nmap-exchange.synthetic.xml', import.meta.url),
  'utf8',
).replace(
  '<port protocol="tcp" portid="80">',
  '<port protocol="udp" portid="443"><state state="open" reason="udp-response"/><service name="https" method="table" conf="3"/></port>\n<port protocol="tcp" portid="80">',
);
const file = join(dir, 'scan.xml');
writeFileSync(file, xml);

test('a UDP port beside the same TCP port is skipped with a counted notice; written = stored', async () => {
  const db = join(dir, 'a.db');
  const r = await runCli(['ingest', file, '--db', db, '--name', 'n', '--as-of', '2026-01-01']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /scan\.xml:\d+: UDP port 443 skipped/);
  assert.match(r.stderr, /3 records .* 3 written, 1 problem/);
  const store = await openStore(db);
  try {
    const scan = await store.getScan('n');
    const stored: string[] = [];
    for await (const h of store.iterateHosts(scan!.id)) stored.push(`${h.record.ip}:${h.record.port}`);
    assert.deepEqual(stored, ['192.0.2.60:25', '192.0.2.60:443', '192.0.2.61:443']);
  } finally {
    await store.close();
  }

  const csv = await runCli(['report', '--format', 'hosts', '--db', db, '--as-of', '2026-01-01']);
  assert.equal(csv.code, 0, csv.stderr);
  const urls = Object.fromEntries(parseCsv(csv.stdout).map((row) => [`${row.ip}:${row.port}`, row.url]));
  assert.deepEqual(urls, {
    '192.0.2.60:25': '',
    '192.0.2.60:443': 'https://mail.example.net:443/',
    '192.0.2.61:443': 'https://192.0.2.61:443/',
  });
});
