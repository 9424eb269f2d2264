// Streaming structure: readers consume async chunk iterators, give the same result whatever the
// chunk boundaries, and yield records before the input ends (so memory is bounded by a record).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { detectFormat } from '../../src/ingest/detect.js';
import { readerFor } from '../../src/ingest/readers/index.js';
import { jsonValues } from '../../src/ingest/readers/json-values.js';
import { lineBlocks, countLines, forEachLine, MAX_LINE_BYTES } from '../../src/ingest/lines.js';
import type { ReadItem } from '../../src/ingest/types.js';
import { fixtures } from './helpers.js';

async function* inPieces(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function readAll(name: string, size: number): Promise<ReadItem[]> {
  const buf = readFileSync(fixtures + name);
  const reader = readerFor(detectFormat(buf.subarray(0, 65536), name));
  assert.equal(reader.kind, 'stream');
  const out: ReadItem[] = [];
  if (reader.kind === 'stream') for await (const item of reader.read(inPieces(buf, size))) out.push(item);
  return out;
}

for (const name of [
  'nmap-exchange.synthetic.xml',
  'nmap-sample-scanme.xml',
  'censys-v2-exchange.synthetic.json',
  'shodan-host-api.synthetic.json',
  'plain-targets.synthetic.csv',
  'shadowserver-scan_exchange-sample.csv',
]) {
  test(`${name}: same records with 1-, 7- and 4096-byte chunks`, async () => {
    const whole = JSON.stringify(await readAll(name, 1 << 20));
    assert.ok(whole.length > 100);
    for (const size of [1, 7, 4096])
      assert.equal(JSON.stringify(await readAll(name, size)), whole, `chunk size ${size}`);
  });
}

test('a JSON document reader yields the first record before the input ends', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  async function* slow(): AsyncGenerator<Buffer> {
    yield Buffer.from('[\n{"ip": "192.0.2.1", "services": []},\n');
    await gate; // the rest of the input is not there yet
    yield Buffer.from('{"ip": "192.0.2.2", "services": []}\n]\n');
  }
  const it = jsonValues(slow())[Symbol.asyncIterator]();
  const first = await it.next();
  assert.deepEqual(first.value, { line: 2, text: '{"ip": "192.0.2.1", "services": []}' });
  release();
  assert.deepEqual((await it.next()).value, { line: 3, text: '{"ip": "192.0.2.2", "services": []}' });
  assert.equal((await it.next()).done, true);
});

test('json values: NDJSON, concatenated pretty objects, stray scalars and an unterminated tail', async () => {
  const text = '{"a": "}{"}\n{\n  "b": [1, {"c": "\\"]"}]\n}\n42\n{"d": 1';
  const items = [];
  for await (const v of jsonValues(inPieces(Buffer.from(text), 3))) items.push(v);
  assert.deepEqual(items, [
    { line: 1, text: '{"a": "}{"}' },
    { line: 2, text: '{\n  "b": [1, {"c": "\\"]"}]\n}' },
    { line: 5, error: 'not a JSON object: 42' },
    { line: 6, error: 'unterminated JSON record at end of input' },
  ]);
});

test('line blocks end on newlines and keep every byte, whatever the chunking', async () => {
  const lines = Array.from({ length: 5000 }, (_, i) => `{"n": ${i}, "pad": "${'x'.repeat(i % 97)}"}`);
  const buf = Buffer.from(lines.join('\n') + '\n');
  const blocks: Buffer[] = [];
  for await (const b of lineBlocks(inPieces(buf, 1000), 16 * 1024)) blocks.push(b);
  assert.ok(blocks.length > 5, `${blocks.length} blocks`);
  for (const b of blocks) assert.equal(b[b.length - 1], 0x0a);
  assert.ok(Buffer.concat(blocks).equals(buf));
  assert.equal(
    blocks.reduce((n, b) => n + countLines(b), 0),
    5000,
  );
});

test('chunks larger than a block: straddling lines are finished apart, nothing copied or lost', async () => {
  const lines = Array.from({ length: 3000 }, (_, i) => `{"n": ${i}, "pad": "${'y'.repeat(i % 131)}"}`);
  const buf = Buffer.from(lines.join('\n') + '\n');
  for (const piece of [4096, 7777, 50_000]) {
    const blocks: Buffer[] = [];
    for await (const b of lineBlocks(inPieces(buf, piece), 2048)) blocks.push(b);
    for (const b of blocks) assert.equal(b[b.length - 1], 0x0a);
    assert.ok(Buffer.concat(blocks).equals(buf), `piece ${piece}`);
    assert.equal(
      blocks.reduce((n, b) => n + countLines(b), 0),
      3000,
    );
  }
});

test('a line longer than the bound is skipped and reported; the lines around it are kept', async () => {
  const mb = Buffer.alloc(1024 * 1024, 0x78); // 1 MB of "x", reused: the test itself stays small
  async function* input(): AsyncGenerator<Buffer> {
    yield Buffer.from('{"first": 1}\n');
    for (let i = 0; i < MAX_LINE_BYTES / mb.length + 2; i++) yield mb;
    yield Buffer.from('\n{"last": 2}\n');
  }
  const lines: string[] = [];
  for await (const block of lineBlocks(input())) forEachLine(block, lines.length, (t) => lines.push(t));
  assert.equal(lines.length, 3);
  assert.equal(lines[0], '{"first": 1}');
  assert.match(lines[1]!, /^\u0000line longer than \d+ bytes \(\d+ bytes\) skipped$/);
  assert.equal(lines[2], '{"last": 2}');
});

test('a read cut short on purpose drops its unfinished last line; a whole read keeps it', async () => {
  async function* chunks() {
    yield Buffer.from('{"a":1}\n{"b":2}\n');
    yield Buffer.from('{"c":'); // where a stop cut the read
  }
  const read = async (cutShort: boolean) => {
    const out: string[] = [];
    for await (const b of lineBlocks(chunks(), 4, () => cutShort)) out.push(b.toString());
    return out.join('');
  };
  assert.equal(await read(true), '{"a":1}\n{"b":2}\n');
  assert.equal(await read(false), '{"a":1}\n{"b":2}\n{"c":');
});
