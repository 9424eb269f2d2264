import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RangeReader, fileRanges } from '../../src/ingest/transport/file-ranges.js';
import { makeRng } from '../../src/lab/rng.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-ranges-'));

/** Every range of `content` read at `rangeBytes`, joined: must be the content's lines, each once. */
function readAll(content: Buffer, rangeBytes: number, bom = 0, maxLine?: number): string {
  const path = join(dir, `f-${rangeBytes}-${content.length}`);
  writeFileSync(path, content);
  const fd = openSync(path, 'r');
  try {
    const reader = new RangeReader(fd, content.length, bom, maxLine);
    let out = '';
    for (const r of fileRanges(bom, content.length, rangeBytes)) out += reader.read(r).toString('latin1');
    return out;
  } finally {
    closeSync(fd);
  }
}

test('ranges of any size give back every line exactly once, in order', () => {
  const rnd = makeRng(7);
  const lines: string[] = [];
  for (let i = 0; i < 300; i++)
    lines.push('x'.repeat(Math.floor(rnd() * 90)) + String(i) + (rnd() < 0.2 ? '\r' : ''));
  lines.splice(40, 0, '', '', ''); // blank lines, and one that ends the file without a newline
  const text = lines.join('\n');
  for (const size of [1, 2, 3, 7, 64, 100, 101, 999, 1 << 20]) {
    assert.equal(readAll(Buffer.from(text, 'latin1'), size), text, `range size ${size}`);
    assert.equal(
      readAll(Buffer.from(text + '\n', 'latin1'), size),
      text + '\n',
      `range size ${size}, final newline`,
    );
  }
});

test('a byte order mark is skipped by the first range only', () => {
  const text = 'one\ntwo\nthree\n';
  const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
  for (const size of [1, 2, 4, 50]) assert.equal(readAll(withBom, size, 3), text);
});

test('an oversized line becomes one placeholder line; the lines around it are kept (ranges shorter than the bound)', () => {
  const long = 'y'.repeat(5000);
  const text = `a\nbb\n${long}\nccc\n${long}`;
  for (const size of [3, 100, 999]) {
    const got = readAll(Buffer.from(text), size, 0, 1000)
      .split('\n')
      .map((l) => (l.length > 100 ? `<${l.length} bytes>` : l));
    assert.deepEqual(
      got.filter((l) => !l.startsWith('\u0000')),
      ['a', 'bb', 'ccc', ''],
      `range size ${size}`,
    );
    const marks = got.filter((l) => l.startsWith('\u0000'));
    assert.deepEqual(
      marks,
      [
        '\u0000line longer than 1000 bytes (5000 bytes) skipped',
        '\u0000line longer than 1000 bytes (5000 bytes) skipped',
      ],
      `range size ${size}`,
    );
  }
});
