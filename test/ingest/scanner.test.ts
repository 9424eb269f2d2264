// The byte scanner behind the pre-filter: it must find every occurrence a naive search finds
// (any casing, "_" or "-", at block, lane and line edges), and the pre-filter built on it must
// never change a verdict, even for anchors written in casings no sample uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlockScanner, type ScanPattern } from '../../src/ingest/fast/anchor-scan.js';
import { anchorCores } from '../../src/ingest/fast/prefilter.js';
import { SHODAN_KEY_PATTERNS } from '../../src/ingest/readers/shodan-fast.js';
import { NATIVE_TABLE_SIZES, nativeScanStatus, nativeScanner } from '../../src/ingest/fast/native-scan.js';
import { ingestFiles } from '../../src/ingest/pipeline.js';
import { loadRules, ruleAnchors } from '../../src/fingerprint/index.js';
import type { EncodedHost, StoredHost } from '../../src/store/index.js';
import { generateRecord, rng } from '../../bench/gen-shodan.js';
import { fixtures, verdict } from './helpers.js';

const fold = (s: string) => s.toLowerCase().replace(/_/g, '-');

function naive(text: string, patterns: ScanPattern[]): string[] {
  const found: string[] = [];
  patterns.forEach((p, id) => {
    const hay = p.exact ? text : fold(text);
    const needle = p.exact ? p.text : fold(p.text);
    for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) found.push(`${id}@${i}`);
  });
  return found.sort();
}

function recase(s: string, r: () => number): string {
  return [...s]
    .map((c) =>
      c === '-' || c === '_' ? (r() < 0.5 ? '-' : '_') : r() < 0.5 ? c.toUpperCase() : c.toLowerCase(),
    )
    .join('');
}

// native modes: the widest loop the CPU has, then AVX2 only, then the scalar loop (forced by env)
const MODES: Array<{ name: string; native: boolean; env: string[] }> = [
  { name: 'native', native: true, env: [] },
  { name: 'native AVX2', native: true, env: ['EXCENSUS_NO_AVX512'] },
  { name: 'native scalar', native: true, env: ['EXCENSUS_NO_AVX512', 'EXCENSUS_NO_AVX2'] },
  { name: 'JavaScript', native: false, env: [] },
];
function withEnv<T>(names: string[], fn: () => T): T {
  for (const n of names) process.env[n] = '1';
  try {
    return fn();
  } finally {
    for (const n of names) delete process.env[n];
  }
}
for (const mode of MODES) {
  const native = mode.native;
  test(`the ${mode.name} scanner finds exactly what a naive case-insensitive search finds, in line order`, (t) => {
    if (native && !nativeScanner()) return t.skip(`native scanner: ${nativeScanStatus()}`);
    const r = rng(42);
    const patterns: ScanPattern[] = [
      { text: 'owa', exact: false },
      { text: 'x-feserver', exact: false },
      { text: 'microsoft esmtp', exact: false },
      { text: '"port"', exact: true },
      { text: '"ip_str"', exact: true },
    ];
    const pieces = [
      'owa',
      'OWA',
      'oWa',
      'X_FEServer',
      'x-feSERVER',
      'Microsoft ESMTP',
      '"port"',
      '"Port"',
      '"ip_str"',
      '"ip-str"',
      'ow',
      'x-fe',
      'lorem ',
      '\n',
      '\r\n',
      'é',
      '"',
      'ab',
    ];
    for (let round = 0; round < 300; round++) {
      const parts: string[] = [];
      const n = 1 + Math.floor(r() * 80);
      for (let i = 0; i < n; i++) parts.push(pieces[Math.floor(r() * pieces.length)]!);
      const text = parts.join('');
      const buf = Buffer.from(text, 'latin1');
      const scanner = withEnv(
        mode.env,
        () => new BlockScanner(patterns, round % 2 ? buf : undefined, { native }),
      );
      assert.equal(scanner.isNative, native);
      const hits = scanner.scanBlock(buf, 0, buf.length);
      const got: string[] = [];
      const lineOf = (i: number) => buf.subarray(0, i).filter((b) => b === 10).length;
      for (let h = 0; h < hits; h++) {
        got.push(`${scanner.hitIds[h]}@${scanner.hitStarts[h]}`);
        if (h > 0)
          assert.ok(
            lineOf(scanner.hitStarts[h]!) >= lineOf(scanner.hitStarts[h - 1]!),
            'hits grouped by line',
          );
      }
      assert.deepEqual(got.sort(), naive(text, patterns), `round ${round}: ${JSON.stringify(text)}`);
    }
  });

  test(`a ${mode.name} sub-range scan sees only what lies wholly inside it; more hits than the arrays hold are all returned`, (t) => {
    if (native && !nativeScanner()) return t.skip(`native scanner: ${nativeScanStatus()}`);
    const buf = Buffer.from('owa\nxx OWA yy\nowa');
    const s = withEnv(
      mode.env,
      () => new BlockScanner([{ text: 'owa', exact: false }], undefined, { native }),
    );
    assert.equal(s.scanBlock(buf, 1, buf.length - 1), 1);
    assert.equal(s.hitStarts[0], 7);
    const many = Buffer.from('owa '.repeat(10000));
    assert.equal(s.scanBlock(many, 0, many.length), 10000);
    assert.equal(s.hitStarts[9999], 39996);
  });

  test(`the ${mode.name} scanner agrees with the JavaScript one on Shodan lines with every real key and anchor, in any casing`, (t) => {
    if (native && !nativeScanner()) return t.skip(`native scanner: ${nativeScanStatus()}`);
    const r = rng(9);
    const cores = anchorCores(ruleAnchors(loadRules()))!;
    const patterns: ScanPattern[] = [
      ...SHODAN_KEY_PATTERNS,
      ...cores.map((text) => ({ text, exact: false })),
    ];
    const lines: string[] = [];
    for (let i = 0; i < 200; i++) {
      let line = generateRecord(r, i).line;
      const at = Math.floor(r() * line.length);
      line = line.slice(0, at) + recase(cores[Math.floor(r() * cores.length)]!, r) + line.slice(at);
      lines.push(line);
    }
    const buf = Buffer.from(lines.join('\n') + '\n' + recase(cores.join(' '), r).slice(0, 70));
    const js = new BlockScanner(patterns, buf, { native: false });
    const other = withEnv(mode.env, () => new BlockScanner(patterns, buf, { native }));
    const n = js.scanBlock(buf, 0, buf.length);
    assert.ok(n > 200 * 10, 'keys and anchors found');
    const hits = (s: BlockScanner, count: number) =>
      Array.from({ length: count }, (_, h) => `${s.hitIds[h]}@${s.hitStarts[h]}`).sort();
    assert.deepEqual(hits(other, other.scanBlock(buf, 0, buf.length)), hits(js, n));
  });
}

test('the native scanner is built where CI runs (npm ci compiles it)', (t) => {
  if (process.env.CI !== 'true') return t.skip(`not CI; scanner in use: ${nativeScanStatus()}`);
  assert.ok(nativeScanner(), nativeScanStatus());
});

test('the native scanner refuses tables that would let it read out of bounds', (t) => {
  const lib = nativeScanner();
  if (!lib) return t.skip(`native scanner: ${nativeScanStatus()}`);
  const nibbles = new Uint8Array(NATIVE_TABLE_SIZES.nibbles);
  const full = new Uint8Array(NATIVE_TABLE_SIZES.full);
  const one = (n: number) => {
    const b = new Int32Array(NATIVE_TABLE_SIZES.bucket);
    for (let k = 1; k < b.length; k++) b[k] = n;
    return b;
  };
  const args = (bucket: Int32Array, pats: Int32Array, len: number, window: number) =>
    [
      nibbles,
      full,
      bucket,
      pats,
      new Int32Array([0]),
      new Int32Array([len]),
      new Int32Array([window]),
      new Uint8Array(1),
      new Uint8Array(3),
    ] as const;
  assert.throws(
    () => lib.compile(...args(one(2), new Int32Array([0]), 3, 0)),
    /inconsistent tables/,
    'a bucket past the pattern list',
  );
  assert.throws(
    () => lib.compile(...args(one(1), new Int32Array([5]), 3, 0)),
    /inconsistent tables/,
    'a pattern id past the patterns',
  );
  assert.throws(
    () => lib.compile(...args(one(1), new Int32Array([0]), 9, 0)),
    /inconsistent tables/,
    'a pattern longer than its bytes',
  );
  assert.throws(
    () => lib.compile(...args(one(1), new Int32Array([0]), 3, 1)),
    /inconsistent tables/,
    'a window past the pattern',
  );
  const ok = lib.compile(...args(one(1), new Int32Array([0]), 3, 0));
  assert.throws(
    () => lib.scan(ok, Buffer.from('abc'), 0, 4, new Int32Array(1), new Int32Array(1)),
    /outside the buffer/,
  );
});

test('anchor cores: longest safe run, shorter cores absorb longer ones, unsafe anchors disable the filter', () => {
  assert.deepEqual(anchorCores(['X_FEServer', 'x-feserver-extra', '/owa/', 'owaVersion']), [
    'owa',
    'x-feserver',
  ]);
  assert.equal(anchorCores(['<a>']), null);
});

/** Every rule anchor, injected in a random casing into otherwise plain records, in body and headers. */
function injectedRecords(seed: number): string[] {
  const r = rng(seed);
  const anchors = ruleAnchors(loadRules());
  const lines: string[] = [];
  let i = 0;
  for (const a of anchors) {
    for (const where of ['head', 'html-start', 'html-end', 'header-name']) {
      const g = generateRecord(r, i++);
      if (g.exchange) continue;
      const rec = JSON.parse(g.line) as { data: string; http: { html: string } };
      const token = recase(a, r);
      if (where === 'head') rec.data = rec.data.replace('\r\n\r\n', `\r\nX-Note: ${token}\r\n\r\n`);
      else if (where === 'html-start') rec.http.html = token + rec.http.html;
      else if (where === 'html-end') rec.http.html += token;
      else rec.data = rec.data.replace('\r\n\r\n', `\r\n${token}: EXCH${i}\r\n\r\n`);
      lines.push(JSON.stringify(rec));
    }
  }
  // real Exchange records with their anchors re-cased wherever they occur
  for (let k = 0; k < 60; i++) {
    const g = generateRecord(r, i);
    if (!g.exchange) continue;
    let line = g.line;
    for (const a of anchors)
      line = line.replace(
        new RegExp(a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/[-_]/g, '[-_]'), 'gi'),
        (m) => recase(m, r),
      );
    lines.push(line);
    k++;
  }
  return lines;
}

test('the pre-filter never changes a verdict, whatever the anchors casing, in thread and in workers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'excensus-scan-'));
  const lines = [
    ...injectedRecords(9),
    ...readFileSync(fixtures + 'shodan-sample.jsonl', 'utf8')
      .trim()
      .split('\n'),
    ...readFileSync(fixtures + 'shodan-exchange.synthetic.jsonl', 'utf8')
      .trim()
      .split('\n'),
  ];
  const path = join(dir, 'anchors.jsonl');
  writeFileSync(path, lines.join('\n') + '\n');
  const run = async (opts: { noPrefilter?: boolean; workers?: number }) => {
    const hosts: Array<StoredHost | EncodedHost> = [];
    const summary = await ingestFiles(
      [path],
      { asOf: '2024-06-01', defaultTimestamp: '2024-06-01T00:00:00.000Z', keepObservations: false, ...opts },
      async (b) => {
        hosts.push(...b);
      },
    );
    return { hosts, summary };
  };
  const full = await run({ noPrefilter: true });
  const fast = await run({});
  const threaded = await run({ workers: 2 });
  // every line is one record, but for the sample's UDP record: skipped as a problem on every path
  assert.equal(fast.hosts.length, lines.length - 1);
  assert.equal(threaded.hosts.length, lines.length - 1);
  const flagged = full.hosts.filter((h) => h.record.isExchange || h.record.suspect).length;
  assert.ok(flagged > 40, `records with Exchange evidence in the mix: ${flagged}`);
  assert.deepEqual(fast.hosts.map(verdict), full.hosts.map(verdict));
  assert.deepEqual(threaded.hosts.map(verdict), full.hosts.map(verdict));
  assert.equal(fast.summary.exchange, full.summary.exchange);
  assert.equal(fast.summary.suspect, full.summary.suspect);
});
