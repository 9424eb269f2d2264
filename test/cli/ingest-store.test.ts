// ingest -> store wiring: default store writes, geo enrichment, --resume without duplicates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-ingest-store-'));
const csv = join(dir, 'targets.csv');
// Addresses are data only: nothing is contacted. 8.8.8.8 exercises the embedded geo/ASN snapshot.
writeFileSync(
  csv,
  'ip,port,hostname,build\n8.8.8.8,443,mail.example.org,15.1.2507.6\n192.0.2.10,443,,15.2.1544.14\n',
);

test('ingest stores every record with embedded geo, and --resume replaces instead of duplicating', async () => {
  const db = join(dir, 'a.db');
  const first = await runCli(['ingest', csv, '--db', db, '--name', 'csv-1', '--as-of', '2026-01-01']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /stored 2 records as scan 1/);

  const store = await openStore(db);
  try {
    const scan = await store.getScan('csv-1');
    assert.ok(scan);
    assert.equal(scan.state, 'complete');
    const hosts = [];
    for await (const h of store.iterateHosts(scan.id)) hosts.push(h);
    assert.equal(hosts.length, 2);
    const google = hosts.find((h) => h.record.ip === '8.8.8.8');
    assert.equal(google?.record.geo?.country, 'US');
    assert.equal(google?.record.geo?.source, 'embedded');
    assert.equal(google?.record.asn?.number, 15169);
    assert.ok(google?.observation, 'observation kept for reclassify');
    // a documentation address gets no made-up geo
    assert.equal(hosts.find((h) => h.record.ip === '192.0.2.10')?.record.geo, undefined);
  } finally {
    await store.close();
  }

  const again = await runCli(['ingest', csv, '--db', db, '--resume-scan', 'csv-1', '--as-of', '2026-01-01']);
  assert.equal(again.code, 0, again.stderr);
  const store2 = await openStore(db);
  try {
    const scans = await store2.listScans();
    assert.equal(scans.length, 1, 'resume continues the scan instead of creating one');
    assert.equal(
      scans[0]?.counts.hosts,
      2,
      'the resumed run rewrote the same two targets (the schema keeps one row per target)',
    );
  } finally {
    await store2.close();
  }
});

test('two unnamed ingests in the same second get distinct names; --no-store writes nothing', async () => {
  const db = join(dir, 'b.db');
  for (let i = 0; i < 2; i++) assert.equal((await runCli(['ingest', csv, '--db', db])).code, 0);
  const store = await openStore(db);
  try {
    const names = (await store.listScans()).map((s) => s.name);
    assert.equal(new Set(names).size, 2);
  } finally {
    await store.close();
  }
  const none = join(dir, 'c.db');
  assert.equal((await runCli(['ingest', csv, '--db', none, '--no-store'])).code, 0);
  await assert.rejects(openStore(none, { create: false }));
});

test('a record stored only as a count prints as it does without a store (its continent derived)', async () => {
  const line = JSON.stringify({
    ip_str: '192.0.2.10',
    port: 443,
    timestamp: '2024-05-01T10:00:00',
    asn: 'AS3320',
    org: 'Deutsche Telekom AG',
    location: { country_code: 'DE', city: 'Berlin' },
    data: 'HTTP/1.1 200 OK\r\nServer: nginx\r\n\r\n',
    hostnames: [],
  });
  const file = join(dir, 'plain.jsonl');
  writeFileSync(file, `${line}\n`);
  const args = ['ingest', file, '--json', '--as-of', '2026-01-01', '--quiet'];
  const unstored = await runCli([...args, '--no-store']);
  const stored = await runCli([...args, '--db', join(dir, 'counted.db')]);
  assert.equal(unstored.code, 0, unstored.stderr);
  assert.equal(stored.code, 0, stored.stderr);
  const record = (out: string) => out.split('\n').find((l) => l.includes('192.0.2.10'));
  assert.match(record(unstored.stdout) ?? '', /"continent":"EU"/);
  assert.equal(record(stored.stdout), record(unstored.stdout));
});
