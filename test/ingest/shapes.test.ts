// Inputs that are not fixture files: stdin (gzip, a byte order mark, nothing at all) and a
// JSON value that is no Censys host. Less common layouts of each format are fixtures now
// (test/fixtures/formats, checked by reader-fixtures.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { mapCensysRecord } from '../../src/ingest/readers/censys.js';
import { ingestFiles } from '../../src/ingest/pipeline.js';
import type { EncodedHost, StoredHost } from '../../src/store/index.js';
import { fixtures } from './helpers.js';

test('censys: a document with no host is one problem saying what was expected', () => {
  assert.deepEqual(mapCensysRecord({ hello: 1 }), {
    error: 'no Censys host found (expected ip + services, result, or result.resource)',
  });
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
