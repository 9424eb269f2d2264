// Plain Shodan lines (no Exchange anchor) damaged where the fast readers look and where they do
// not: every line JSON.parse refuses must be a problem on its line, never a record, and every other
// line the record the full parser gives it, on each path (JavaScript fast reader, native reader).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostRecordToWire } from '../../src/core/wire.js';
import type { IngestOptions } from '../../src/ingest/pipeline.js';
import { nativeScanStatus, nativeScanner } from '../../src/ingest/fast/native-scan.js';
import { isJsonText } from '../../src/ingest/fast/json-check.js';
import { generateRecord, rng } from '../../bench/gen-shodan.js';
import { fixtures, ingestCollected } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-plain-damage-'));

/** Keys the fast readers read, and keys they skip (their values are only stepped over). */
const READ = [
  'ip_str',
  'port',
  'transport',
  'asn',
  'org',
  'isp',
  'country_code',
  'city',
  'hostnames',
  'timestamp',
];
const SKIPPED = ['data', 'module', 'html', 'title', 'hash', 'domains', 'crawler', 'robots', 'ptr', 'status'];

type Damage = (line: string, valueAt: number) => string | null;

const insert = (text: string) => (line: string, at: number) =>
  line[at] === '"' ? line.slice(0, at + 1) + text + line.slice(at + 1) : null;
const inNumber = (edit: (num: string) => string) => (line: string, at: number) => {
  const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(line.slice(at));
  return m ? line.slice(0, at) + edit(m[0]) + line.slice(at + m[0].length) : null;
};
const inLiteral = (edit: (word: string) => string) => (line: string, at: number) => {
  const m = /^(true|false|null)/.exec(line.slice(at));
  return m ? line.slice(0, at) + edit(m[0]) + line.slice(at + m[0].length) : null;
};
/** Damage at a value: in its string, number or literal, or next to it. */
const AT_VALUE: Record<string, Damage> = {
  'bad \\u escape': insert('\\u12g4'),
  'short \\u escape': insert('\\u12'),
  'unknown escape': insert('\\x'),
  'lone backslash at the end': (line, at) => {
    if (line[at] !== '"') return null;
    const close = line.indexOf('"', at + 1);
    return close < 0 ? null : line.slice(0, close) + '\\' + line.slice(close);
  },
  'raw control byte': insert('\u0001'),
  'raw tab': insert('\t'),
  'raw carriage return': insert('\r'),
  'raw unit separator': insert('\u001f'),
  'leading zero': inNumber((n) => n.replace(/^(-?)/, '$10')),
  'bare minus': inNumber(() => '-'),
  'dot without digits': inNumber((n) => n + '.'),
  'exponent without digits': inNumber((n) => n + 'e'),
  'plus sign': inNumber((n) => '+' + n),
  'cut literal': inLiteral((w) => w.slice(0, -1)),
  'misspelt literal': inLiteral((w) => w[0]!.toUpperCase() + w.slice(1)),
  'literal with a tail': inLiteral((w) => w + 'x'),
  'no value': (line, at) => line.slice(0, at) + line.slice(at).replace(/^("(?:[^"\\]|\\.)*"|[^,}\]]*)/, ''),
  'no colon': (line, at) => {
    const colon = line.lastIndexOf(':', at);
    return colon < 0 ? null : line.slice(0, colon) + line.slice(colon + 1);
  },
  'double comma': (line, at) => line.slice(0, at) + line.slice(at).replace(/,/, ',,'),
  'no comma': (line, at) => line.slice(0, at) + line.slice(at).replace(/,(\s*")/, '$1'),
};
/** Damage to the line as a whole. */
const WHOLE: Record<string, (line: string) => string> = {
  'cut after an inner brace': (line) => line.slice(0, line.indexOf('}') + 1),
  'cut in a string, brace added': (line) => line.slice(0, Math.floor(line.length / 2)) + '}',
  'trailing garbage': (line) => line + ' x}',
  'second object': (line) => line + '{}',
  'extra closing brace': (line) => line + '}',
  'inner brace dropped': (line) => line.replace('{"', '{"_": {"'),
  'bracket for a brace': (line) => line.replace(/\}$/, ']}'),
  'trailing comma': (line) => line.replace(/\}$/, ',}'),
  'single quotes': (line) => line.replace('"port"', "'port'"),
  'BOM in the middle': (line) => line.replace('"port"', '\ufeff"port"'),
  'no-break space between members': (line) => line.replace(/,"/, ',\u00a0"'),
  comment: (line) => line.replace(/\}$/, '/* x */}'),
};

/** Where each key's value starts in a line (every occurrence). */
function valueStarts(line: string, key: string): number[] {
  const out: number[] = [];
  const re = new RegExp(`"${key}"\\s*:\\s*`, 'g');
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m.index + m[0].length);
  return out;
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/** Real plain lines: the fixture's and generated banners without an Exchange page. */
function baseLines(): string[] {
  const lines = readFileSync(fixtures + 'shodan-sample.jsonl', 'utf8')
    .trim()
    .split('\n');
  const r = rng(31);
  for (let i = 0; lines.length < 14; i++) {
    const { line } = generateRecord(r, i);
    if (!/owa|exchange/i.test(line)) lines.push(line);
  }
  return lines;
}

function damagedLines(): Array<{ line: string; what: string }> {
  const out: Array<{ line: string; what: string }> = [];
  baseLines().forEach((base, b) => {
    for (const [what, damage] of Object.entries(WHOLE))
      out.push({ line: damage(base), what: `${b}: ${what}` });
    for (const key of [...READ, ...SKIPPED])
      for (const at of valueStarts(base, key).slice(0, 2))
        for (const [what, damage] of Object.entries(AT_VALUE)) {
          const line = damage(base, at);
          if (line !== null && line !== base) out.push({ line, what: `${b}: ${what} at "${key}"` });
        }
  });
  return out;
}

/** Host records (wire form, evidence of plain records left out), problems and the record count. */
const collect = (file: string, opts: Partial<IngestOptions>, noNative: boolean) =>
  ingestCollected(file, { format: 'shodan', maxProblems: 100_000, ...opts }, noNative, (h) => {
    const w = hostRecordToWire(h.record);
    // pre-filtered records skip the negative evidence detail the full parser gives
    return JSON.stringify(w.is_exchange || w.suspect ? w : { ...w, evidence: undefined });
  });

/** The damaged lines in a file (after two whole ones, which fix the format), and the lines JSON.parse refuses. */
function damagedFile(): { file: string; refused: number[]; total: number } {
  const bases = baseLines();
  const damaged = damagedLines();
  const lines = [bases[0]!, bases[1]!];
  const refused: number[] = [];
  for (const { line } of damaged) {
    lines.push(line);
    if (!isJson(line)) refused.push(lines.length);
    lines.push(bases[lines.length % bases.length]!); // a whole line between: no damage leaks into the next
  }
  const file = join(dir, 'damaged.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  return { file, refused, total: damaged.length };
}

test('the JSON check refuses exactly what JSON.parse refuses, on every damaged line', () => {
  const damaged = damagedLines();
  let refused = 0;
  for (const { line, what } of damaged) {
    const buf = Buffer.from(line);
    assert.equal(
      isJsonText(buf, 0, buf.length),
      isJson(line),
      `${what}: ${JSON.stringify(line.slice(0, 120))}`,
    );
    if (!isJson(line)) refused++;
  }
  assert.ok(refused > 1000, `${refused} of ${damaged.length} damaged lines are no JSON`);
  for (const line of baseLines()) assert.ok(isJsonText(Buffer.from(line), 0, Buffer.byteLength(line)));
});

test('the JSON check agrees with JSON.parse on random damage to lines and small texts', () => {
  const r = rng(97);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const small = ['{}', ' [ ] ', '{"a":[1,-0.5e+3,true,false,null,"\\u00e9"],"b":{}}', '"s"', '-1.5E-7'];
  const pieces =
    '" \\ \\u12g4 \\u00e9 \\x \u0001 \t \r \n { } [ ] , : 0 - 01 1. .5 1e e+ tru nul fals true null \u00e9 \u2028 x'
      .split(' ')
      .concat(' ');
  const lines = baseLines();
  let refused = 0;
  for (let k = 0; k < 20_000; k++) {
    let t = Buffer.from(k % 4 === 0 ? pick(small) : pick(lines));
    for (let j = 1 + Math.floor(r() * 2); j > 0; j--) {
      const at = Math.floor(r() * (t.length + 1));
      const how = r();
      // a piece as UTF-8, or its code units as single bytes (invalid UTF-8 for the non-ASCII ones)
      const piece = Buffer.from(pick(pieces), how < 0.05 ? 'latin1' : 'utf8');
      if (how < 0.5) t = Buffer.concat([t.subarray(0, at), piece, t.subarray(at)]);
      else if (how < 0.8) t = Buffer.concat([t.subarray(0, at), t.subarray(at + 1 + Math.floor(r() * 4))]);
      else if (how < 0.9) t = t.subarray(0, at);
      else t = Buffer.concat([t.subarray(0, at), piece, t.subarray(at + piece.length)]);
    }
    const text = t.toString('utf8');
    if (!isJson(text)) refused++;
    assert.equal(isJsonText(t, 0, t.length), isJson(text), JSON.stringify(text.slice(0, 200)));
  }
  assert.ok(refused > 5000 && refused < 15_000, `${refused} of 20,000 refused`);
});

test('without the native reader, every damaged plain line JSON.parse refuses is a problem on its line', async () => {
  const { file, refused } = damagedFile();
  // the reference: every line parsed in full (no pre-filter, so no fast reader)
  const full = await collect(file, { noPrefilter: true }, true);
  const problemLines = new Set(
    full.problems.filter((p) => p.includes('invalid JSON')).map((p) => Number(p.split(':')[0])),
  );
  assert.deepEqual(
    [...problemLines].sort((a, b) => a - b),
    refused,
    'the full parser reports each refused line',
  );
  const js = await collect(file, {}, true);
  assert.deepEqual(js.problems, full.problems, 'JavaScript fast reader: the same problems');
  assert.deepEqual(js.hosts, full.hosts, 'JavaScript fast reader: the same records');
  assert.equal(js.records, full.records);
  const threaded = await collect(file, { workers: 2, rangeBytes: 64 * 1024 }, true);
  assert.deepEqual(threaded, js, 'in worker threads');
});

test('with the native reader, every damaged plain line JSON.parse refuses is a problem on its line', async (t) => {
  if (!nativeScanner()) return t.skip(`native scanner: ${nativeScanStatus()}`);
  const { file } = damagedFile();
  const full = await collect(file, { noPrefilter: true }, true);
  const native = await collect(file, {}, false);
  assert.deepEqual(native.problems, full.problems, 'native reader: the same problems');
  assert.deepEqual(native.hosts, full.hosts, 'native reader: the same records');
  const threaded = await collect(file, { workers: 2, rangeBytes: 64 * 1024 }, false);
  assert.deepEqual(threaded, native, 'native reader in worker threads');
});
