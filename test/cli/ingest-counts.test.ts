// ingest into the store keeps records with no Exchange marker (country and ASN from the source) as
// counts: the census is the same as with a row per record (--plain-rows), whether the readers
// count them (no --json) or the recorder does (--json), in thread or in workers, and a resumed
// ingest counts them once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';
import { observationFromLine } from '../../src/ingest/readers/stored-line.js';
import type { CensusRow } from '../../src/store/store.js';
import { generateRecord, rng } from '../../bench/gen-shodan.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-ingest-counts-'));
const file = join(dir, 'shodan.jsonl');
const r = rng(3);
const lines: string[] = [];
for (let i = 0; i < 1500; i++) lines.push(generateRecord(r, i).line);
// one banner without an ASN: it needs a lookup, so it keeps its row
lines.push(
  '{"ip_str": "8.8.8.8", "port": 443, "timestamp": "2024-05-01T12:00:00", "location": {"country_code": "US"}, "data": "HTTP/1.1 200 OK\\r\\n\\r\\n"}',
);
writeFileSync(file, lines.join('\n') + '\n');
const asOf = ['--as-of', '2024-06-01'];

async function census(
  db: string,
  name: string,
): Promise<{ listed: number; rows: Record<string, CensusRow[]>; hosts: number }> {
  const store = await openStore(db);
  try {
    const scan = await store.getScan(name);
    assert.ok(scan, name);
    let listed = 0;
    for await (const _ of store.iterateHosts(scan.id)) listed++;
    const rows: Record<string, CensusRow[]> = {};
    for (const by of [[], ['status'], ['country'], ['asn'], ['country', 'asn'], ['family']] as const) {
      rows[by.join('+') || 'all'] = await store.census({
        scanId: scan.id,
        groupBy: [...by],
        asOf: '2024-06-01',
      });
    }
    return { listed, rows, hosts: scan.counts.hosts };
  } finally {
    await store.close();
  }
}

test('counted plain records give the census a row per record gives, by every path', async () => {
  const db = join(dir, 'c.db');
  const run = async (name: string, ...extra: string[]) => {
    const res = await runCli(['ingest', file, '--db', db, '--name', name, ...asOf, ...extra]);
    assert.equal(res.code, 0, res.stderr);
    return res;
  };
  await run('rows', '--plain-rows', '--json');
  const counted = await run('counted');
  assert.match(counted.stderr, /stored 1501 records .*as counts by country and network/);
  await run('counted-json', '--json');
  await run('counted-workers', '--workers', '2');
  const rows = await census(db, 'rows');
  assert.equal(rows.listed, 1501);
  assert.equal(rows.hosts, 1501);
  for (const name of ['counted', 'counted-json', 'counted-workers']) {
    const got = await census(db, name);
    assert.deepEqual(got.rows, rows.rows, `${name}: the same census`);
    assert.equal(got.hosts, 1501, `${name}: every record counted in the scan`);
    assert.ok(
      got.listed < 200,
      `${name}: only records with a marker (or needing a lookup) listed: ${got.listed}`,
    );
  }
  // records judged in worker threads keep their source line (moved between threads as bytes), read again for reclassify
  const store = await openStore(db);
  try {
    const scan = (await store.getScan('counted-workers'))!;
    let exchange = 0;
    for await (const h of store.iterateHosts(scan.id, { exchangeOnly: true })) {
      exchange++;
      assert.equal(h.observation?.kind, 'line');
      assert.ok(h.observation?.kind === 'line' && h.observation.reader === 'shodan');
      const obs = observationFromLine(h.observation, h.record);
      assert.ok(!('error' in obs), JSON.stringify(obs));
      assert.equal(obs.source, 'shodan');
      assert.equal(`${obs.ip}:${obs.port}`, `${h.record.ip}:${h.record.port}`);
      assert.ok(obs.raw && obs.http.length > 0, 'raw record and HTTP read again for reclassify');
    }
    assert.ok(exchange > 20, `exchange records: ${exchange}`);
  } finally {
    await store.close();
  }
  const us = (await census(db, 'counted')).rows.country!.find((x) => x.group.country === 'US');
  assert.ok(us && us.hosts > 1, 'the banner without an ASN is in the census too');
});

test('a resumed ingest counts its plain records once', async () => {
  const db = join(dir, 'r.db');
  assert.equal((await runCli(['ingest', file, '--db', db, '--name', 'once', ...asOf])).code, 0);
  const again = await runCli(['ingest', file, '--db', db, '--resume-scan', 'once', ...asOf]);
  assert.equal(again.code, 0, again.stderr);
  const got = await census(db, 'once');
  assert.equal(got.hosts, 1501);
  assert.equal(got.rows.all![0]!.hosts, 1501);
});

test('a resumed ingest keeps the way its scan began, whatever --plain-rows says', async () => {
  const db = join(dir, 'm.db');
  assert.equal((await runCli(['ingest', file, '--db', db, '--name', 'counts', ...asOf])).code, 0);
  assert.equal(
    (await runCli(['ingest', file, '--db', db, '--name', 'rows', '--plain-rows', ...asOf])).code,
    0,
  );
  const a = await runCli(['ingest', file, '--db', db, '--resume-scan', 'counts', '--plain-rows', ...asOf]);
  assert.match(
    a.stderr,
    /scan "counts" counts records without an Exchange marker; the resumed run does the same/,
  );
  const b = await runCli(['ingest', file, '--db', db, '--resume-scan', 'rows', ...asOf]);
  assert.match(b.stderr, /scan "rows" keeps a row for records without an Exchange marker/);
  const counts = await census(db, 'counts');
  const rows = await census(db, 'rows');
  assert.equal(counts.hosts, 1501);
  assert.ok(counts.listed < 200, 'still counted after the resume');
  assert.equal(rows.hosts, 1501);
  assert.equal(rows.listed, 1501, 'still a row each after the resume');
  assert.deepEqual(counts.rows, rows.rows);
});
