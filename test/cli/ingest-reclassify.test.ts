// Ingested line formats keep each judged record's source line; reclassify reads it again with the
// same reader. Checked end to end: a store re-judged at a later date equals an ingest at that date.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';
import { hostRecordToWire } from '../../src/core/wire.js';
import { generateRecord, rng } from '../../bench/gen-shodan.js';
import { reclassifyScan } from '../../src/store/reclassify.js';
import { observationFromLine } from '../../src/ingest/readers/stored-line.js';
import { judgeObservation } from '../../src/classify/judge.js';
import { loadRules } from '../../src/fingerprint/index.js';
import { loadKnowledgeBase } from '../../src/kb/load.js';
import type { StoredHost } from '../../src/store/store.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-ingest-reclassify-'));
const file = join(dir, 'shodan.jsonl');
const r = rng(5);
const lines: string[] = [];
for (let i = 0; i < 1200; i++) lines.push(generateRecord(r, i).line);
writeFileSync(file, lines.join('\n') + '\n');

async function records(db: string, name: string): Promise<Map<string, { wire: string; line: boolean }>> {
  const store = await openStore(db);
  try {
    const scan = await store.getScan(name);
    assert.ok(scan, name);
    const out = new Map<string, { wire: string; line: boolean }>();
    for await (const h of store.iterateHosts(scan.id))
      out.set(`${h.record.ip}:${h.record.port}`, {
        wire: JSON.stringify(hostRecordToWire(h.record)),
        line: h.observation?.kind === 'line',
      });
    return out;
  } finally {
    await store.close();
  }
}

async function ingest(db: string, name: string, asOf: string, ...extra: string[]): Promise<string> {
  const res = await runCli(['ingest', file, '--db', db, '--name', name, '--as-of', asOf, ...extra]);
  assert.equal(res.code, 0, `exit ${res.code}: ${res.stderr}`);
  return res.stdout;
}

test('reclassify re-reads stored source lines: the result equals an ingest on the later date', async () => {
  const db = join(dir, 'a.db');
  // Exchange 2016 and 2019 reached end of support on 2025-10-14: the later date changes verdicts
  const rowsWorkers = await ingest(db, 'workers', '2025-06-01', '--workers', '2');
  const rowsMain = await ingest(db, 'main-thread', '2025-06-01', '--workers', '0');
  // the table rows printed are the same too (worker threads send slimmed records: see IngestOptions.encodedColumns)
  assert.deepEqual(rowsWorkers.split('\n').sort(), rowsMain.split('\n').sort());
  assert.ok(rowsWorkers.split('\n').length > 40, 'a row per record not kept as a count');
  await ingest(db, 'later', '2026-01-01');
  const later = await records(db, 'later');
  // worker threads encode records and strip classifications in transit: stored alike all the same
  assert.deepEqual(await records(db, 'workers'), await records(db, 'main-thread'));
  for (const name of ['workers', 'main-thread']) {
    const before = await records(db, name);
    assert.equal(before.size, later.size);
    const judged = [...before.values()].filter((h) => h.line).length;
    assert.ok(judged > 40, `${name}: records judged in full keep their line (${judged})`);
    const differ = [...before].filter(([k, h]) => h.wire !== later.get(k)?.wire).length;
    assert.ok(differ > 20, `${name}: the date changes verdicts (${differ} records)`);
    const res = await runCli(['reclassify', '--db', db, '--scan', name, '--as-of', '2026-01-01', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const counts = JSON.parse(res.stdout) as Record<string, number>;
    assert.equal(counts.rejudged, judged);
    assert.equal(counts.changed, differ);
    assert.equal(counts.unreadable, 0);
    const after = await records(db, name);
    for (const [k, h] of after)
      assert.equal(h.wire, later.get(k)?.wire, `${name} ${k}: as the later ingest judged it`);
    assert.equal([...after.values()].filter((h) => h.line).length, judged, 'still stored as lines');
  }
});

test("reclassifyScan in small batches gives the later ingest's records, and a failed write fails the run", async () => {
  const db = join(dir, 'c.db');
  await ingest(db, 'small-batches', '2025-06-01');
  await ingest(db, 'later', '2026-01-01');
  const later = await records(db, 'later');
  const ctx = { rules: loadRules(), kb: loadKnowledgeBase(), asOf: '2026-01-01' };
  const store = await openStore(db);
  try {
    const scan = (await store.getScan('small-batches'))!;
    const r = await reclassifyScan(store, scan.id, (obs) => judgeObservation(obs, ctx), {
      batchSize: 7,
      decodeLine: observationFromLine,
    });
    assert.ok(r.changed > 20, `changed ${r.changed}`);
    // a store whose second write fails: the run fails, it does not end as if all was written
    let writes = 0;
    const failing = new Proxy(store, {
      get: (target, key, receiver) =>
        key === 'addHosts'
          ? (id: number, hosts: StoredHost[]) =>
              ++writes === 2 ? Promise.reject(new Error('disk full')) : target.addHosts(id, hosts)
          : (Reflect.get(target, key, receiver) as unknown),
    });
    const again = (await store.getScan('small-batches'))!;
    await assert.rejects(
      reclassifyScan(failing, again.id, (obs) => judgeObservation(obs, { ...ctx, asOf: '2025-01-01' }), {
        batchSize: 7,
        decodeLine: observationFromLine,
      }),
      /disk full/,
    );
  } finally {
    await store.close();
  }
  const before = await records(db, 'small-batches');
  let same = 0;
  for (const [k, h] of before) if (h.wire === later.get(k)?.wire) same++;
  // the failed run rewrote its first batch (as of 2025-01-01) before the second failed
  assert.ok(
    same >= before.size - 7 && same < before.size,
    `${same} of ${before.size} as the later ingest judged them`,
  );
});

test('a stored line that no longer reads is reported with its host and kept as stored', async () => {
  const db = join(dir, 'b.db');
  await ingest(db, 'early', '2025-06-01');
  const sqlite = new Database(db);
  const row = sqlite
    .prepare(
      'SELECT h.ip, h.port, h.id FROM hosts h JOIN host_data d ON d.host_id = h.id WHERE d.observation_reader IS NOT NULL ORDER BY h.id LIMIT 1',
    )
    .get() as { ip: string; port: number; id: number };
  sqlite.prepare('UPDATE host_data SET observation = \'{"ip_str": \' WHERE host_id = ?').run(row.id);
  sqlite.close();
  const before = (await records(db, 'early')).get(`${row.ip}:${row.port}`);
  const res = await runCli(['reclassify', '--db', db, '--scan', 'early', '--as-of', '2026-01-01', '--json']);
  assert.equal(res.code, 0, res.stderr);
  assert.equal((JSON.parse(res.stdout) as Record<string, number>).unreadable, 1);
  assert.match(
    res.stderr,
    new RegExp(
      `${row.ip.replaceAll('.', '\\.')}:${row.port} kept as stored: its stored line no longer reads`,
    ),
  );
  assert.equal((await records(db, 'early')).get(`${row.ip}:${row.port}`)?.wire, before?.wire);
});

test('reclassify checks a re-read line as ingest does: no NUL, no ASN past 32 bits', async () => {
  const db = join(dir, 'd.db');
  const g = rng(7);
  const exchange: Array<Record<string, unknown>> = [];
  for (let i = 0; exchange.length < 2; i++) {
    const rec = generateRecord(g, i);
    if (rec.exchange) exchange.push(JSON.parse(rec.line) as Record<string, unknown>);
  }
  exchange[0]!.asn = 'AS99999999999';
  exchange[1]!.hostnames = ['mail\u0000evil.example.com'];
  const dirty = join(dir, 'dirty.jsonl');
  writeFileSync(dirty, exchange.map((o) => JSON.stringify(o)).join('\n') + '\n');
  for (const name of ['fresh', 'rejudged']) {
    const res = await runCli([
      'ingest',
      dirty,
      '--db',
      db,
      '--name',
      name,
      '--as-of',
      '2025-06-01',
      '--no-geo',
    ]);
    assert.equal(res.code, 0, res.stderr);
  }
  const fresh = await records(db, 'fresh');
  assert.equal(fresh.size, 2);
  const res = await runCli([
    'reclassify',
    '--db',
    db,
    '--scan',
    'rejudged',
    '--as-of',
    '2025-06-01',
    '--json',
  ]);
  assert.equal(res.code, 0, res.stderr);
  assert.equal((JSON.parse(res.stdout) as Record<string, number>).rejudged, 2);
  const after = await records(db, 'rejudged');
  assert.deepEqual(after, fresh, 'as a fresh ingest stored them');
  const wires = [...after.values()].map((h) => h.wire).join('\n');
  assert.ok(!wires.includes('\\u0000') && !wires.includes('99999999999'), wires.slice(0, 300));
  const census = async (name: string): Promise<string> => {
    const r = await runCli(['report', '--db', db, '--scan', name, '--json']);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.replaceAll(`"${name}"`, '"NAME"').replace(/"id":\s*\d+/g, '"id":0');
  };
  assert.equal(await census('rejudged'), await census('fresh'));
});
