// Field helpers and the Shodan fast reader, which must read exactly what the full parser reads,
// and the plain columns such records cross threads in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { toIsoTime, parseRawHttp, parseAsn } from '../../src/ingest/readers/http-text.js';
import {
  SHODAN_KEY_PATTERNS,
  ShodanFastReader,
  readShodanPlainLine,
} from '../../src/ingest/readers/shodan-fast.js';
import { BlockScanner } from '../../src/ingest/fast/anchor-scan.js';
import { plainObservation, type PlainFields } from '../../src/ingest/fast/plain-fields.js';
import {
  PLAIN_COLS_WIDTH,
  plainColsRecord,
  pushPlainCols,
  sharedEmptyEvidence,
  type PlainCols,
} from '../../src/ingest/transport/plain-columns.js';
import { notExchangeRecord } from '../../src/ingest/process.js';
import type { Evidence } from '../../src/core/evidence.js';
import { mapShodanRecord } from '../../src/ingest/readers/shodan.js';
import { generateRecord, rng } from '../../bench/gen-shodan.js';
import { fixtures } from './helpers.js';

test('timestamps: zone-less means UTC, epochs, ShadowServer spaces, offsets, nonsense', () => {
  assert.equal(toIsoTime('2021-08-16T20:42:40.325940'), '2021-08-16T20:42:40.325Z');
  assert.equal(toIsoTime('2023-11-20T10:00:00'), '2023-11-20T10:00:00.000Z');
  assert.equal(toIsoTime('1680197558'), '2023-03-30T17:32:38.000Z');
  assert.equal(toIsoTime('2021-05-14 00:11:30'), '2021-05-14T00:11:30.000Z');
  assert.equal(toIsoTime('2024-01-01T02:00:00+02:00'), '2024-01-01T00:00:00.000Z');
  // unreadable times come back as given (checkObservation reports them); no time is ''
  assert.equal(toIsoTime('2023-13-01T00:00:00'), '2023-13-01T00:00:00');
  assert.equal(toIsoTime(undefined), '');
});

test("timestamps: Shodan's zone-less form read by hand gives what its regex gives", () => {
  // (toIsoTime reads the common form by index; anything else goes to NAIVE_UTC and on)
  const cases: Array<[string, string]> = [
    ['2024-02-28T23:59:59.1Z', '2024-02-28T23:59:59.100Z'],
    ['2024-02-28T23:59:59.123456789', '2024-02-28T23:59:59.123Z'],
    ['2024-02-28T23:59:59.1234567890', '2024-02-28T23:59:59.123Z'],
    ['2024-02-28T23:59:59.', '2024-02-28T23:59:59.'],
    ['2024-02-28T23:59:59ZZ', '2024-02-28T23:59:59ZZ'],
    ['2024-02-28T24:00:00', '2024-02-29T00:00:00.000Z'],
    ['2024-02-28T23:60:00', '2024-02-28T23:60:00'],
    ['2024-00-10T00:00:00', '2024-00-10T00:00:00'],
    ['2024-01-00T00:00:00', '2024-01-00T00:00:00'],
    ['2024-01-31T01:02:03.5', '2024-01-31T01:02:03.500Z'],
    ['2024-02-29T01:02:03', '2024-02-29T01:02:03.000Z'],
    ['2024-02-30T01:02:03', '2024-03-01T01:02:03.000Z'],
    ['2024-1-01T00:00:00', '2024-1-01T00:00:00'],
    ['2024-01-01t00:00:00', '2024-01-01T00:00:00.000Z'],
  ];
  for (const [v, want] of cases) assert.equal(toIsoTime(v), want, v);
});

test('raw HTTP header text and ASN spellings', () => {
  assert.deepEqual(parseRawHttp('HTTP/1.1 302 Found\r\nLocation: /owa/\r\nX-A: 1:2\r\n\r\nbody'), {
    status: 302,
    headers: [
      ['Location', '/owa/'],
      ['X-A', '1:2'],
    ],
    body: 'body',
  });
  assert.equal(parseRawHttp('SSH-2.0-OpenSSH'), null);
  assert.equal(parseAsn('AS36459'), 36459);
  assert.equal(parseAsn(19281), 19281);
  assert.equal(parseAsn('ASX'), undefined);
});

test('the fast reader reads what the full parser reads, or declines', () => {
  const lines = readFileSync(fixtures + 'shodan-sample.jsonl', 'utf8')
    .trim()
    .split('\n');
  const r = rng(5);
  for (let i = 0; i < 200; i++) lines.push(generateRecord(r, i).line);
  lines.push(
    '{"ip_str": "192.0.2.7", "port": "8080", "asn": "AS64500", "isp": "Example ISP", "location": {"city": "Z\u00fcrich", "country_code": null}, "timestamp": 1680197558}',
    '{"ip_str": "192.0.2.8", "port": 25, "transport": "udp", "hostnames": [], "_shodan": {"options": {"hostname": ""}}, "location": {"country_code": "DE", "region_code": "BE"}, "asn": 3320}',
  );
  let read = 0;
  for (const line of lines) {
    const s = readShodanPlainLine(line);
    if (!s) continue;
    read++;
    const full = mapShodanRecord(JSON.parse(line));
    assert.ok(Array.isArray(full));
    const f = full[0]!;
    assert.deepEqual(
      {
        ip: s.ip,
        port: s.port,
        transport: s.transport,
        hostname: s.hostname,
        timestamp: s.timestamp,
        geo: s.geo,
        asn: s.asn,
      },
      {
        ip: f.ip,
        port: f.port,
        transport: f.transport,
        hostname: f.hostname,
        timestamp: f.timestamp,
        geo: f.geo,
        asn: f.asn,
      },
    );
  }
  assert.ok(read >= 202, `read ${read}`);
  assert.equal(
    readShodanPlainLine('{"ip_str": "192.0.2.1", "port": 80, "data": "x"'),
    null,
    'not a whole object',
  );
  assert.equal(
    readShodanPlainLine('{"ip_str": "192.0.2.1", "port": 80, "x": {"port": 81}}'),
    null,
    'nested duplicate key',
  );
  assert.equal(
    readShodanPlainLine('{"ip_str": "192.0.2.1", "data": [{"port": 80}]}'),
    null,
    'host-API shape',
  );
  assert.equal(
    readShodanPlainLine('{"ip_str": "192.0.2.1", "port": 80, "product": "Exchange"}'),
    null,
    'source claims are judged',
  );
});

test('a plain record crossing threads as plain columns comes back as the record the main thread would build', () => {
  const lines = readFileSync(fixtures + 'shodan-sample.jsonl', 'utf8')
    .trim()
    .split('\n');
  const r = rng(8);
  for (let i = 0; i < 100; i++) lines.push(generateRecord(r, i).line);
  lines.push(
    '{"ip_str": "192.0.2.7", "port": "8080", "asn": "AS64500", "isp": "Example ISP", "location": {"city": "Zürich", "country_code": null}, "timestamp": 1680197558}',
  );
  const template: Evidence = {
    exchange: 'no',
    precision: 'none',
    suspectReasons: [],
    signals: [],
    serverNames: [],
  } as unknown as Evidence;
  const shared = sharedEmptyEvidence(template);
  let n = 0;
  const reader = new ShodanFastReader();
  const scanner = new BlockScanner(SHODAN_KEY_PATTERNS);
  const read = (line: string): PlainFields | null => {
    const buf = Buffer.from(line);
    return reader.read(buf, 0, buf.length, scanner, 0, scanner.scanBlock(buf, 0, buf.length));
  };
  for (const line of lines) {
    const f = read(line);
    if (!f) continue;
    const obs = plainObservation(f, 'shodan');
    assert.deepEqual(obs, readShodanPlainLine(line));
    const cols: PlainCols = [];
    pushPlainCols(cols, f, f.timestamp);
    assert.equal(cols.length, PLAIN_COLS_WIDTH);
    assert.deepEqual(plainColsRecord(cols, 0, shared, 'shodan'), notExchangeRecord(obs, shared));
    n++;
  }
  assert.ok(n >= 100, `compared ${n}`);
  const last = readShodanPlainLine(lines.at(-1)!)!;
  assert.deepEqual(
    [last.port, last.geo, last.asn, last.timestamp],
    [
      8080,
      { city: 'Zürich', source: 'source' },
      { number: 64500, org: 'Example ISP', source: 'source' },
      '2023-03-30T17:32:38.000Z',
    ],
  );
  assert.throws(() => (shared.signals as unknown[]).push(1), TypeError, 'the shared evidence is frozen');
});

test('the fast reader declines escaped key quotes, string ports that are not digits, and keys with spaces before the colon still count', () => {
  assert.equal(readShodanPlainLine('{"ip_str": "192.0.2.1", "a\\"port": 80, "port": 81}'), null);
  assert.equal(readShodanPlainLine('{"ip_str": "192.0.2.1", "port": "4e2"}'), null);
  assert.equal(readShodanPlainLine('{"ip_str": "192.0.2.1", "port" :  443 , "module": "port"}')?.port, 443);
  assert.equal(
    readShodanPlainLine('{"ip_str": "192.0.2.1", "port": 443, "org": "A \\"quoted\\" org", "asn": "AS1"}')
      ?.asn?.org,
    'A "quoted" org',
  );
});
