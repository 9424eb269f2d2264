// EncodedBatch: a target repeated within one batch is written once, as its last record, whether
// the repeats are plain rows, JSON records or both; plain rows come out sorted and chunked.
import type { InsertShape } from '../../src/store/host-batch.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EncodedBatch } from '../../src/store/host-batch.js';
import { PLAIN_COLUMNS } from '../../src/store/host-row.js';
import type { StoredHost } from '../../src/store/store.js';
import { makeRecord } from './records.js';
import { plainRecords } from './round-trip.js';

// the shapes the SQLite and PostgreSQL drivers declare
const SQLITE: InsertShape = { rowsPerInsert: { plain: 64, full: 32 }, powerOfTwoInserts: true };
const POSTGRES: InsertShape = { rowsPerInsert: { plain: 200, full: 200 }, powerOfTwoInserts: false };

const plain = (ip: string, port = 443, city = 'x'): StoredHost => {
  const r = { ...(plainRecords()[0] as StoredHost['record']), ip, port };
  r.geo = { ...r.geo, city, source: 'source' };
  return { record: r };
};
const full = (ip: string, port = 443): StoredHost => ({ record: makeRecord({ ip, port }) });
const W = PLAIN_COLUMNS.length;
const rowsOf = (chunks: unknown[][]): string[] =>
  chunks.flatMap((c) =>
    Array.from(
      { length: c.length / W },
      (_, i) =>
        `${String(c[i * W])}:${String(c[i * W + 1])}:${String(c[i * W + PLAIN_COLUMNS.indexOf('geo_city')])}`,
    ),
  );

describe('EncodedBatch', () => {
  it('keeps the last record of a repeated target, across plain and JSON records', () => {
    const b = new EncodedBatch();
    for (const h of [
      plain('10.0.0.2'),
      full('10.0.0.1'),
      full('10.0.0.2'),
      plain('10.0.0.1', 443, 'late'),
      plain('10.0.0.1', 80),
      plain('10.0.0.3'),
      plain('10.0.0.3', 443, 'again'),
    ])
      b.add(h);
    assert.equal(b.size, 7);
    const s = b.split(SQLITE);
    assert.deepEqual(rowsOf(s.plain), ['10.0.0.1:80:x', '10.0.0.1:443:late', '10.0.0.3:443:again']);
    assert.deepEqual(
      s.full.map((h) => `${h.record.ip}:${h.record.port}`),
      ['10.0.0.2:443'],
    );
    // each kept record's place in the order of add (a record the database refuses is named by it)
    assert.deepEqual(s.plainAt, [4, 3, 6]);
    assert.deepEqual(s.fullAt, [2]);
  });

  it('sorts plain rows by target and cuts them into full chunks and halving tails', () => {
    const b = new EncodedBatch();
    const ips = Array.from({ length: 100 }, (_, i) => `10.1.${(i * 37) % 100}.1`);
    for (const ip of ips) b.add(plain(ip));
    const s = b.split(SQLITE);
    assert.deepEqual(
      s.plain.map((c) => c.length / W),
      [64, 32, 4],
    );
    assert.deepEqual(
      rowsOf(s.plain).map((r) => r.split(':')[0]),
      [...ips].sort(),
    );
    assert.deepEqual(new EncodedBatch().split(POSTGRES), {
      plain: [],
      full: [],
      counts: [],
      plainAt: [],
      fullAt: [],
    });
  });

  it('adds counted records up by source, country and network', () => {
    const b = new EncodedBatch();
    b.addPlain({ source: 'shodan', country: 'DE', continent: 'EU', asn: 3320, asnOrg: 'DTAG', n: 2 });
    b.addPlain({ source: 'shodan', country: 'DE', continent: 'EU', asn: 3320, asnOrg: 'DTAG', n: 3 });
    b.addPlain({ source: 'shodan', country: 'FR', continent: 'EU', asn: null, asnOrg: null, n: 1 });
    b.addPlain({ source: 'shodan', country: 'FR', continent: 'EU', asn: null, asnOrg: null, n: 0 });
    assert.equal(b.counted, 6);
    assert.equal(b.size, 0, 'counts are not records of the batch');
    assert.deepEqual(b.split(SQLITE).counts, [
      'shodan',
      'EU',
      'DE',
      3320,
      'DTAG',
      5,
      'shodan',
      'EU',
      'FR',
      null,
      null,
      1,
    ]);
  });

  it('holds a full record as its row fields, its JSON and its observation', () => {
    const b = new EncodedBatch();
    const line = '{"ip_str":"10.0.0.9","data":"HTTP/1.1 200 OK caf\u00e9 \u2603"}';
    const record = makeRecord({ ip: '10.0.0.9' });
    b.add({ record, observation: { kind: 'line', reader: 'shodan', text: line } });
    b.add({
      record: makeRecord({ ip: '10.0.0.8' }),
      observation: { kind: 'json', json: '{"ip":"10.0.0.8"}' },
    });
    const [h, j] = b.split(SQLITE).full;
    // not the record: its signals and names are not kept until the commit (the JSON holds them)
    assert.notEqual(h!.record, record);
    assert.equal('signals' in h!.record.evidence, false);
    assert.deepEqual(
      { ip: h!.record.ip, port: h!.record.port, exchange: h!.record.evidence.exchange },
      { ip: '10.0.0.9', port: 443, exchange: 'yes' },
    );
    assert.equal(h!.record.classification, record.classification, 'the shared classification object');
    assert.ok(JSON.parse(h!.json).evidence.signals.length > 0);
    assert.equal(h!.observation, line);
    assert.equal(h!.reader, 'shodan');
    assert.equal(j!.observation, '{"ip":"10.0.0.8"}');
  });
});
