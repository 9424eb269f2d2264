// The native skeleton reader (native/json_skeleton.c + src/ingest/fast/skeleton-reader.ts) must
// give a line exactly what JSON.parse gives restricted to the whitelist, or null (the line is then
// parsed in full): held to JSON.parse on real and generated banners and on thousands of mutations
// of them (escapes, unicode, invalid UTF-8, duplicate keys, odd numbers, truncation, stray bytes);
// the whitelist must cover every key the Shodan mapper reads; and ingest gives the same records
// with and without the addon, in thread and in workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostRecordToWire } from '../../src/core/wire.js';
import type { IngestOptions } from '../../src/ingest/pipeline.js';
import { nativeScanStatus, nativeScanner } from '../../src/ingest/fast/native-scan.js';
import { SkeletonReader, type SkeletonTree } from '../../src/ingest/fast/skeleton-reader.js';
import { mapShodanRecord, SHODAN_SKELETON } from '../../src/ingest/readers/shodan.js';
import { generateRecord, rng } from '../../bench/gen-shodan.js';
import { fixtures, ingestCollected } from './helpers.js';

const heavy = fixtures + '../exchange-heavy/';
const dir = mkdtempSync(join(tmpdir(), 'excensus-skeleton-'));

function realLines(): string[] {
  const files = [
    fixtures + 'shodan-sample.jsonl',
    fixtures + 'shodan-exchange.synthetic.jsonl',
    fixtures + 'shodan-fronted.synthetic.jsonl',
    fixtures + 'shodan-malformed.synthetic.jsonl',
    heavy + 'shodan-owa-logon-100pct.generated.jsonl',
    heavy + 'shodan-owa-logon-15pct.generated.jsonl',
  ];
  const lines = files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean));
  const r = rng(7);
  for (let i = 0; i < 100; i++) lines.push(generateRecord(r, i).line);
  return lines;
}

const GIVE_UP = Symbol('give up');

/** JSON.parse's value restricted to the tree (GIVE_UP where the reader must refuse the line). */
function restrict(v: unknown, tree: SkeletonTree): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return GIVE_UP;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const t = tree[k];
    if (t === undefined) continue;
    if (t === 'string' && typeof x !== 'string') return GIVE_UP;
    const kept =
      typeof t === 'object' && x !== null && typeof x === 'object' && !Array.isArray(x) ? restrict(x, t) : x;
    if (kept === GIVE_UP) return GIVE_UP;
    out[k] = kept;
  }
  return out;
}

/** JSON text that tells -0 from 0 (lone surrogates are escaped by JSON.stringify itself). */
const exact = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (Object.is(x, -0) ? '<minus zero>' : x));

function withoutRaw(r: ReturnType<typeof mapShodanRecord>): string {
  return exact(Array.isArray(r) ? r.map((o) => ({ ...o, raw: undefined })) : r);
}

/** Checks one line (bytes); returns whether the reader took it. */
function check(reader: SkeletonReader, bytes: Buffer): boolean {
  // a line inside a larger buffer, as the ingest blocks hold it
  const buf = Buffer.concat([Buffer.from('x\n'), bytes, Buffer.from('\n{"y":1}')]);
  const got = reader.read(buf, 2, 2 + bytes.length);
  const text = bytes.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    assert.equal(got, null, `invalid JSON must be refused: ${text.slice(0, 200)}`);
    return false;
  }
  const want = restrict(parsed, SHODAN_SKELETON);
  if (want === GIVE_UP) assert.equal(got, null, `must be refused: ${text.slice(0, 200)}`);
  if (got === null) return false;
  assert.equal(exact(got), exact(want), `skeleton of ${text.slice(0, 300)}`);
  assert.equal(withoutRaw(mapShodanRecord(got)), withoutRaw(mapShodanRecord(parsed)), 'mapped alike');
  return true;
}

/** Mutations of a line, each aimed at one of the reader's rules. */
function mutations(line: string, r: () => number): Buffer[] {
  const at = (s: string) => Math.floor(r() * s.length);
  const inString = (s: string, insert: string) => {
    // after the opening quote of a random string value
    const quotes = [...s.matchAll(/": "/g)].map((m) => m.index! + 4);
    const i = quotes[Math.floor(r() * quotes.length)] ?? 1;
    return s.slice(0, i) + insert + s.slice(i);
  };
  const inner = line.slice(0, line.lastIndexOf('}'));
  const out: string[] = [];
  for (const insert of [
    '\\u00e9',
    '\\ud83d\\ude00',
    '\\ud800',
    '\\udc00x',
    '\\/',
    '\\b\\f',
    'é',
    '😀',
    '\\u0000',
    '\\"',
    '\\x',
    '\\u12g4',
  ])
    out.push(inString(line, insert));
  for (const extra of [
    '"port": 444',
    '"port": -0',
    '"port": 4.43e2',
    '"port": 1e400',
    '"port": 12345678901234567890',
    '"port": 0.1',
    '"port": 01',
    '"port": 1.',
    '"port": -',
    '"ip_str": "198.51.100.1"',
    '"http": {"status": 301, "html": "a\\nb", "redirects": [{"__proto__": {"a": 1}, "data": "x"}]}',
    '"http": 5',
    '"location": {"city": null, "country_code": "DE", "country_code": "FR"}',
    '"_shodan": {"options": {"hostname": "h.example"}, "module": "https"}',
    '"ssl": {"cert": {"subject": {"CN": "mail.example"}, "issuer": {"CN": "CA"}, "expires": "20250101"}}',
    '"tags": ["cloud", 1, true, false, null, [], {}, [["deep"]], {"k": [1, -0, 2.5]}]',
    '"hostnames": ["a.example", "b.example"]',
    '"__proto__": {"port": 1}',
    '"\\u0070ort": 1',
    '"data": ["not", "a", "string"]',
    '"data": null',
    '"asn": "AS\\u00a064500"',
    '"org": "Z\u00fcrich \\u00fc"',
    '"x": ' + '['.repeat(100) + ']'.repeat(100),
    '"x": ' + '['.repeat(30) + ']'.repeat(30),
    '"product": "   "',
    '"product": "' + 'p'.repeat(40) + '"',
  ])
    out.push(`${inner}, ${extra}}`, `{${extra}, ${line.slice(1)}`);
  out.push(line.replace(/: /g, ':\t\r '), line.replace(/, "/g, ',"'), ` ${line} `, `${line}x`, `${line}}`);
  for (let i = 0; i < 6; i++) out.push(line.slice(0, at(line)));
  for (let i = 0; i < 6; i++) {
    const j = at(line);
    out.push(line.slice(0, j) + '",:{}[]\\0e-'.charAt(Math.floor(r() * 11)) + line.slice(j + 1));
  }
  const bytes = out.map((s) => Buffer.from(s));
  // bytes no text holds: invalid UTF-8 inside a string value, a raw NUL byte
  for (const bad of [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0x00]]) {
    const s = inString(line, '\u0001');
    const b = Buffer.from(s);
    const i = b.indexOf(1);
    bytes.push(Buffer.concat([b.subarray(0, i), Buffer.from(bad), b.subarray(i + 1)]));
  }
  return bytes;
}

test('the skeleton is JSON.parse restricted to the whitelist, or null', (t) => {
  const reader = SkeletonReader.create(SHODAN_SKELETON);
  if (!reader) return t.skip(`native scanner: ${nativeScanStatus()}`);
  const lines = realLines();
  let taken = 0;
  let mutated = 0;
  let mutatedTaken = 0;
  const r = rng(11);
  for (const line of lines) {
    if (check(reader, Buffer.from(line))) taken++;
    for (const m of mutations(line, r)) {
      mutated++;
      if (check(reader, m)) mutatedTaken++;
    }
  }
  // every banner but the host-API shape and the broken ones
  assert.ok(taken >= lines.length - 4, `real lines read: ${taken} of ${lines.length}`);
  assert.ok(mutatedTaken > mutated / 3, `mutations read: ${mutatedTaken} of ${mutated}`);
});

test('the whitelist holds every key the Shodan mapper reads', () => {
  const missing = new Set<string>();
  const watch = (v: unknown, tree: SkeletonTree, path: string): unknown => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return new Proxy(v as Record<string, unknown>, {
      get(target, key, receiver) {
        const x: unknown = Reflect.get(target, key, receiver);
        if (typeof key !== 'string') return x;
        const sub = tree[key];
        if (sub === undefined) missing.add(path + key);
        return typeof sub === 'object' ? watch(x, sub, `${path}${key}.`) : x;
      },
    });
  };
  const lines = realLines().filter((l) => !l.includes('"data": [')); // (the host-API shape is parsed in full)
  for (const line of lines) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    mapShodanRecord(watch(value, SHODAN_SKELETON, ''));
  }
  assert.deepEqual([...missing], []);
});

/** Each host record with its stored line (or observation), the problems and the record count. */
const collect = (file: string, opts: Partial<IngestOptions>, noNative: boolean) =>
  ingestCollected(file, { keepObservations: true, ...opts }, noNative, (h) => {
    const o = h.observation as { text?: string | Uint8Array; json?: Uint8Array } | undefined;
    const bytes = o?.text ?? o?.json;
    const line = bytes === undefined ? JSON.stringify(o ?? null) : Buffer.from(bytes).toString('utf8');
    return JSON.stringify(hostRecordToWire(h.record)) + '\n' + line;
  });

test('ingest gives the same records and stored lines with and without the addon, in thread and in workers', async (t) => {
  if (!nativeScanner()) return t.skip(`native scanner: ${nativeScanStatus()}`);
  const r = rng(5);
  const lines = realLines();
  const all = [
    ...lines,
    ...lines.slice(0, 40).flatMap((l) => mutations(l, r).map((b) => b.toString('latin1'))),
  ];
  const file = join(dir, 'corpus.jsonl');
  writeFileSync(file, Buffer.from(all.join('\n') + '\n', 'latin1'));
  const real = join(dir, 'real.jsonl');
  writeFileSync(real, lines.join('\n') + '\n');
  const files = [
    heavy + 'shodan-owa-logon-100pct.generated.jsonl',
    heavy + 'shodan-owa-logon-15pct.generated.jsonl',
    real,
  ];
  for (const path of [...files, file]) {
    const js = await collect(path, {}, true);
    assert.ok(js.hosts.length > 20);
    assert.deepEqual(await collect(path, {}, false), js, `${path}: in thread`);
  }
  // (in workers, not the mutated lines: there the native and JavaScript block readers number some
  // broken lines apart, with or without skeletons)
  for (const path of files) {
    // (workers hand their blocks back in no fixed order)
    const workers = { workers: 2, rangeBytes: 16 * 1024 };
    const sorted = (r: Awaited<ReturnType<typeof collect>>) => ({ ...r, hosts: r.hosts.sort() });
    assert.deepEqual(
      sorted(await collect(path, workers, false)),
      sorted(await collect(path, workers, true)),
      `${path}: in workers`,
    );
  }
});
