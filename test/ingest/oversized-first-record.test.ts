// A record over the size bound is skipped and reported like any other, and the rest is read, even
// when it is the first record (detection then sees no line end and reads the file as a document).
// (Both bounds are approximate to a read chunk: the test line passes them by 4 MiB.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { jsonValues } from '../../src/ingest/readers/json-values.js';
import { ingestFiles } from '../../src/ingest/pipeline.js';
import { MAX_LINE_BYTES } from '../../src/ingest/lines.js';

const banner = (i: number, data = 'HTTP/1.1 200 OK\r\n\r\n') =>
  JSON.stringify({ ip_str: `198.51.100.${i}`, port: 443, timestamp: '2025-01-01T00:00:00', data });

test('json values: an oversized record (first, middle, pretty or junk) is skipped and reading goes on', async () => {
  const big = banner(1, 'x'.repeat(500));
  const text = [
    big,
    banner(2),
    `{\n "a": "${'y'.repeat(300)}"\n}`,
    banner(3),
    'z'.repeat(400),
    banner(4),
  ].join('\n');
  const items = [];
  // small chunks, so the oversized records span many of them
  const chunks = Readable.from(
    Buffer.from(text)
      .toString()
      .match(/[\s\S]{1,37}/g)!
      .map((c) => Buffer.from(c)),
  );
  for await (const item of jsonValues(chunks, 200)) items.push(item);
  assert.deepEqual(
    items.map((i) => ('error' in i ? `${i.line}: ${i.error}` : `${i.line}: ${JSON.parse(i.text).ip_str}`)),
    [
      '1: record larger than 200 characters skipped',
      '2: 198.51.100.2',
      '3: record larger than 200 characters skipped',
      '6: 198.51.100.3',
      '7: record larger than 200 characters skipped',
      '8: 198.51.100.4',
    ],
  );
});

test('a first line over the line bound is a problem; every later record is read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'excensus-oversized-'));
  const file = join(dir, 'big-first.jsonl');
  const big = banner(1, 'x'.repeat(MAX_LINE_BYTES + 4 * 1024 * 1024));
  writeFileSync(file, [big, banner(2), banner(3), banner(4)].join('\n') + '\n');
  const summary = await ingestFiles([file], { asOf: '2026-01-01', workers: 0 }, async () => {});
  assert.equal(summary.records, 3);
  assert.equal(summary.problemCount, 1);
  assert.equal(summary.problems[0]?.line, 1);
  assert.match(summary.problems[0]?.reason ?? '', /larger than \d+ (characters|bytes)/);
});
