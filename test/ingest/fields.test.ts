// Field helpers and the Shodan sniffer, which must read exactly what the full parser reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { toIsoTime, parseRawHttp, parseAsn } from '../../src/ingest/http-text.js';
import { sniffShodanLine } from '../../src/ingest/readers/shodan-sniff.js';
import { mapShodanRecord } from '../../src/ingest/readers/shodan.js';
import { generateRecord, rng } from '../../bench/gen-shodan.js';
import { fixtures } from './helpers.js';

test('timestamps: zone-less means UTC, epochs, ShadowServer spaces, offsets, nonsense', () => {
  assert.equal(toIsoTime('2021-08-16T20:42:40.325940'), '2021-08-16T20:42:40.325Z');
  assert.equal(toIsoTime('2023-11-20T10:00:00'), '2023-11-20T10:00:00.000Z');
  assert.equal(toIsoTime('1680197558'), '2023-03-30T17:32:38.000Z');
  assert.equal(toIsoTime('2021-05-14 00:11:30'), '2021-05-14T00:11:30.000Z');
  assert.equal(toIsoTime('2024-01-01T02:00:00+02:00'), '2024-01-01T00:00:00.000Z');
  assert.equal(toIsoTime('2023-13-01T00:00:00'), '');
  assert.equal(toIsoTime(undefined, 'x'), 'x');
});

test('raw HTTP header text and ASN spellings', () => {
  assert.deepEqual(parseRawHttp('HTTP/1.1 302 Found\r\nLocation: /owa/\r\nX-A: 1:2\r\n\r\nbody'), { status: 302, headers: [['Location', '/owa/'], ['X-A', '1:2']], body: 'body' });
  assert.equal(parseRawHttp('SSH-2.0-OpenSSH'), null);
  assert.equal(parseAsn('AS36459'), 36459);
  assert.equal(parseAsn(19281), 19281);
  assert.equal(parseAsn('ASX'), undefined);
});

test('the sniffer reads what the full parser reads, or declines', () => {
  const lines = readFileSync(fixtures + 'shodan-sample.jsonl', 'utf8').trim().split('\n');
  const r = rng(5);
  for (let i = 0; i < 200; i++) lines.push(generateRecord(r, i).line);
  let sniffed = 0;
  for (const line of lines) {
    const s = sniffShodanLine(line);
    if (!s) continue;
    sniffed++;
    const full = mapShodanRecord(JSON.parse(line));
    assert.ok(Array.isArray(full));
    const f = full[0]!;
    assert.deepEqual(
      { ip: s.ip, port: s.port, transport: s.transport, hostname: s.hostname, timestamp: s.timestamp, geo: s.geo, asn: s.asn },
      { ip: f.ip, port: f.port, transport: f.transport, hostname: f.hostname, timestamp: f.timestamp, geo: f.geo, asn: f.asn },
    );
  }
  assert.ok(sniffed >= 200, `sniffed ${sniffed}`);
  assert.equal(sniffShodanLine('{"ip_str": "192.0.2.1", "port": 80, "data": "x"'), null, 'not a whole object');
  assert.equal(sniffShodanLine('{"ip_str": "192.0.2.1", "port": 80, "x": {"port": 81}}'), null, 'nested duplicate key');
  assert.equal(sniffShodanLine('{"ip_str": "192.0.2.1", "data": [{"port": 80}]}'), null, 'host-API shape');
  assert.equal(sniffShodanLine('{"ip_str": "192.0.2.1", "port": 80, "product": "Exchange"}'), null, 'source claims are judged');
});
