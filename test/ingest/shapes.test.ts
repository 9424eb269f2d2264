// Less common shapes of each format, built inline from the layouts in the research note.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { parseMasscanJsonLine, parseMasscanListLine } from '../../src/ingest/readers/masscan.js';
import { mapCensysRecord } from '../../src/ingest/readers/censys.js';
import { mapZgrab2Record } from '../../src/ingest/readers/zgrab2.js';
import { ingestFiles } from '../../src/ingest/pipeline.js';
import type { EncodedHost, StoredHost } from '../../src/store/index.js';
import { fixtures, header } from './helpers.js';

test('masscan: banner records carry HTTP headers or mail banners; old -oJ trailer skipped', () => {
  const http = parseMasscanJsonLine(
    '{"ip": "192.0.2.5", "timestamp": "1680197558", "ports": [{"port": 443, "proto": "tcp", "service": {"name": "http", "banner": "HTTP/1.1 302 Found\\\\x0d\\\\x0aX-OWA-Version: 15.1.2507.6\\\\x0d\\\\x0a\\\\x0d\\\\x0a"}}]}',
  );
  assert.ok(Array.isArray(http));
  assert.equal(header(http[0]!, 'X-OWA-Version'), '15.1.2507.6');
  assert.equal(http[0]!.http[0]!.status, 302);
  const nd = parseMasscanJsonLine(
    '{"ip":"192.0.2.6","timestamp":"1680197558","port":25,"proto":"tcp","rec_type":"banner","data":{"service_name":"smtp","banner":"220 mx Microsoft ESMTP MAIL Service ready"}}',
  );
  assert.ok(Array.isArray(nd));
  assert.match(nd[0]!.banners?.smtp ?? '', /^220 mx/);
  assert.deepEqual(parseMasscanJsonLine('{finished: 1}'), []);
  assert.deepEqual(parseMasscanJsonLine(','), []);
  const list = parseMasscanListLine('banner tcp 25 192.0.2.7 1680197558 smtp 220 mx.example ESMTP');
  assert.ok(Array.isArray(list));
  assert.equal(list[0]!.banners?.smtp, '220 mx.example ESMTP');
  assert.deepEqual(parseMasscanListLine('open tcp 99999 192.0.2.7 1'), { error: 'not a masscan -oL line' });
});

test('censys: search results envelope (result.hits[]) yields every host', () => {
  const r = mapCensysRecord({
    code: 200,
    result: {
      hits: [
        { ip: '192.0.2.1', services: [{ port: 443, service_name: 'HTTP' }] },
        { ip: '192.0.2.2', services: [{ port: 25, service_name: 'SMTP', banner: '220 x' }] },
      ],
    },
  });
  assert.ok(Array.isArray(r));
  assert.deepEqual(
    r.map((o) => `${o.ip}:${o.port}`),
    ['192.0.2.1:443', '192.0.2.2:25'],
  );
  assert.equal(r[1]!.banners?.smtp, '220 x');
  assert.deepEqual(mapCensysRecord({ hello: 1 }), {
    error: 'no Censys host found (expected ip + services, result, or result.resource)',
  });
});

test('zgrab2: an smtp module result becomes a mail banner', () => {
  const r = mapZgrab2Record({
    ip: '192.0.2.9',
    data: {
      smtp: {
        status: 'success',
        protocol: 'smtp',
        port: 25,
        timestamp: '2024-01-01T00:00:00Z',
        result: {
          banner: '220 EX01 Microsoft ESMTP MAIL Service ready\r\n',
          ehlo: '250-EX01 Hello\r\n250 SIZE',
        },
      },
    },
  });
  assert.ok(Array.isArray(r));
  assert.equal(r[0]!.banners?.smtp, '220 EX01 Microsoft ESMTP MAIL Service ready');
  assert.equal(r[0]!.port, 25);
});

test('gzip on stdin is detected by its magic bytes', async () => {
  const gz = gzipSync(readFileSync(fixtures + 'shodan-exchange.synthetic.jsonl'));
  const hosts: Array<StoredHost | EncodedHost> = [];
  const s = await ingestFiles(['-'], { asOf: '2024-06-01', stdin: Readable.from([gz]) }, async (b) => {
    hosts.push(...b);
  });
  assert.equal(s.files[0]!.gzip, true);
  assert.equal(hosts.length, 3);
  assert.equal(hosts[0]!.record.evidence.build, '15.1.2507.6');
});

test('an empty input is zero records, and a byte order mark is not data', async () => {
  const bom = Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    readFileSync(fixtures + 'shodan-exchange.synthetic.jsonl'),
  ]);
  const hosts: Array<StoredHost | EncodedHost> = [];
  const s = await ingestFiles(['-'], { asOf: '2024-06-01', stdin: Readable.from([bom]) }, async (b) => {
    hosts.push(...b);
  });
  assert.equal(s.problemCount, 0);
  assert.equal(hosts.length, 3);
  const empty = await ingestFiles(['-'], { asOf: '2024-06-01', stdin: Readable.from([]) }, async () => {});
  assert.equal(empty.records, 0);
  assert.equal(empty.problemCount, 0);
});

test('a gzip cut inside its header is reported, not a crash', async () => {
  const gz = gzipSync(readFileSync(fixtures + 'shodan-exchange.synthetic.jsonl')).subarray(0, 12);
  const s = await ingestFiles(['-'], { asOf: '2024-06-01', stdin: Readable.from([gz]) }, async () => {});
  assert.equal(s.records, 0);
  assert.equal(s.problemCount, 1);
  assert.match(s.problems[0]!.reason, /truncated gzip/);
});
