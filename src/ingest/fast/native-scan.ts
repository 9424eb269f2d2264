// The optional native build of the block scanner's hot loop (native/block_scan.c, compiled by
// `npm ci` through node-gyp). Absent or refused (EXCENSUS_NO_NATIVE=1), the JavaScript loop in
// anchor-scan.ts does the same work, only slower; `nativeScanStatus` says which one runs.
import { createRequire } from 'node:module';
import { packagePath } from '../../core/data-dir.js';

export interface NativeScanner {
  compile(
    nibbles: Uint8Array,
    full: Uint8Array,
    bucket: Int32Array,
    pats: Int32Array,
    start: Int32Array,
    len: Int32Array,
    window: Int32Array,
    exact: Uint8Array,
    bytes: Uint8Array,
  ): object;
  scan(
    handle: object,
    buf: Uint8Array,
    start: number,
    end: number,
    ids: Int32Array,
    starts: Int32Array,
  ): number;
  sniffBlock(
    handle: object,
    buf: Uint8Array,
    start: number,
    end: number,
    roles: Int32Array,
    lines: Int32Array,
    meta: Int32Array,
    out: Uint8Array,
  ): number;
  /** A whitelist for skeleton() (native/json_skeleton.c; absent from builds before it). */
  skeletonCompile?(nodes: Int32Array, keyBytes: Uint8Array, keyStarts: Int32Array): object;
  /** Describes a JSON line's whitelisted values (see skeleton-reader.ts); -1 = parse it in full. */
  skeleton?(
    handle: object,
    buf: Uint8Array,
    start: number,
    end: number,
    entries: Int32Array,
    numbers: Float64Array,
    text: Uint8Array,
  ): number;
}

/** Line kinds sniffBlock reports (native/shodan_sniff.c). */
export const LINE_EMPTY = 0;
export const LINE_READ = 1;
/** An anchor is in the line: parse and judge it. */
export const LINE_ANCHOR = 2;
/** No anchor, but the native reader left it to JavaScript: parse it. */
export const LINE_PARSE = 3;
/** Ints per plain record in `meta`: port, asn (-1 = none), udp, then (offset, length) in `out` of ip, hostname, timestamp, country, region, city, org. */
export const META_WIDTH = 17;
/** Where each field of a plain record sits in `meta` (a string's slot holds its offset, the next its length). */
export const META = {
  port: 0,
  asn: 1,
  udp: 2,
  ip: 3,
  hostname: 5,
  timestamp: 7,
  country: 9,
  region: 11,
  city: 13,
  org: 15,
} as const;

const utf8Slice = (
  Buffer.prototype as unknown as { utf8Slice: (this: Uint8Array, start: number, end: number) => string }
).utf8Slice;

/** The string in `slot` of plain record `i` ('' when empty). */
export function metaText(meta: Int32Array, out: Uint8Array, i: number, slot: number): string {
  const at = i * META_WIDTH + slot;
  const len = meta[at + 1]!;
  return len === 0 ? '' : utf8Slice.call(out, meta[at]!, meta[at]! + len);
}

/** What sniffBlock gives back: `count` lines as (kind, start, stop) triples, plain records in meta/out. */
export interface PlainLines {
  count: number;
  lines: Int32Array;
  meta: Int32Array;
  out: Buffer;
}

let loaded: NativeScanner | null | undefined;
let why = '';

/** The native module, or null (then `nativeScanStatus()` says why). */
export function nativeScanner(): NativeScanner | null {
  if (process.env.EXCENSUS_NO_NATIVE === '1') {
    why = 'disabled by EXCENSUS_NO_NATIVE=1';
    return null;
  }
  if (loaded !== undefined) return loaded;
  loaded = null;
  const file = packagePath('native', 'build', 'Release', 'block_scan.node');
  if (file === null) {
    why = 'not built (run `npm run build:native`)';
    return null;
  }
  try {
    loaded = createRequire(import.meta.url)(file) as NativeScanner;
    why = file;
  } catch (err) {
    why = `cannot load ${file}: ${(err as Error).message}`;
  }
  return loaded;
}

/** A native build that refused its tables (built from other sources): the JavaScript loop takes over. */
export function noteNativeFailure(message: string): void {
  loaded = null;
  why = `native build refused its tables (${message}): rebuild with \`npm run build:native\``;
}

/** "native (path)" or "javascript (reason)": for benchmarks and `--verbose` output. */
export function nativeScanStatus(): string {
  const n = nativeScanner();
  return n ? `native (${why})` : `javascript (${why})`;
}

export interface PlanPattern {
  /** As given (exact patterns are matched byte for byte). */
  bytes: Uint8Array;
  /** ASCII lower case with "_" as "-" (anchors are matched folded). */
  folded: Uint8Array;
  exact: boolean;
}

/** As native/block_scan.c: PASSES * 8 buckets, WIN-byte windows. */
const PASSES = 3;
const BUCKETS = PASSES * 8;
const WINDOW = 4;
/** Sizes of the tables compile() takes (tests build inconsistent ones on purpose). */
export const NATIVE_TABLE_SIZES = {
  nibbles: PASSES * WINDOW * 32,
  full: PASSES * WINDOW * 256,
  bucket: BUCKETS + 1,
};

/**
 * Compiles patterns for the native loop: each pattern gets a 3-byte window (the rarest on the
 * sample's folded byte pairs, `pairFreq`) and one of 8 buckets (patterns with alike windows
 * together, so the nibble tables stay selective); nibble tables say, per window byte, which
 * buckets a byte's low and high nibble allow (both cases of a letter, "-" and "_" alike, for anchors).
 */
export function compileNative(lib: NativeScanner, patterns: PlanPattern[], pairFreq?: Uint32Array): object {
  const window = patterns.map((p) => rarestWindow(p.folded, pairFreq));
  const order = patterns
    .map((_, id) => id)
    .sort((a, b) => windowKey(patterns[a]!, window[a]!) - windowKey(patterns[b]!, window[b]!));
  const bucket = new Int32Array(BUCKETS + 1);
  const nibbles = new Uint8Array(PASSES * WINDOW * 32);
  const full = new Uint8Array(PASSES * WINDOW * 256);
  const per = Math.ceil(order.length / BUCKETS);
  order.forEach((id, rank) => {
    const k = Math.floor(rank / per);
    bucket[k + 1] = rank + 1;
    const p = patterns[id]!;
    const table = (k >> 3) * WINDOW * 32;
    const bit = 1 << (k & 7);
    for (let j = 0; j < WINDOW; j++) {
      // a window longer than the pattern lets any byte through where the pattern has none
      const bytes = window[id]! + j < p.bytes.length ? variants(p, window[id]! + j) : ALL_BYTES;
      for (const byte of bytes) {
        full[(k >> 3) * WINDOW * 256 + j * 256 + byte]! |= bit;
        nibbles[table + j * 32 + (byte & 15)]! |= bit;
        nibbles[table + j * 32 + 16 + (byte >> 4)]! |= bit;
      }
    }
  });
  for (let k = 1; k <= BUCKETS; k++) bucket[k] = Math.max(bucket[k]!, bucket[k - 1]!);
  const start = new Int32Array(patterns.length);
  const bytes: number[] = [];
  patterns.forEach((p, id) => {
    start[id] = bytes.length;
    for (const b of p.exact ? p.bytes : p.folded) bytes.push(b);
  });
  return lib.compile(
    nibbles,
    full,
    bucket,
    Int32Array.from(order),
    start,
    Int32Array.from(patterns, (p) => p.bytes.length),
    Int32Array.from(window),
    Uint8Array.from(patterns, (p) => (p.exact ? 1 : 0)),
    Uint8Array.from(bytes),
  );
}

const ALL_BYTES = Array.from({ length: 256 }, (_, b) => b);

/** The raw bytes that match a pattern's byte `i`. */
function variants(p: PlanPattern, i: number): number[] {
  if (p.exact) return [p.bytes[i]!];
  const f = p.folded[i]!;
  if (f >= 97 && f <= 122) return [f, f - 32];
  return f === 45 ? [45, 95] : [f];
}

function windowKey(p: PlanPattern, w: number): number {
  return (p.folded[w]! << 16) | (p.folded[w + 1]! << 8) | p.folded[w + 2]!;
}

/** The window whose byte pairs are rarest on the sample (a 3-byte pattern has only one). */
function rarestWindow(folded: Uint8Array, freq?: Uint32Array): number {
  if (!freq || folded.length <= WINDOW) return 0;
  let best = 0;
  let bestCost = Infinity;
  for (let w = 0; w + WINDOW <= folded.length; w++) {
    let cost = 0;
    for (let j = 0; j + 1 < WINDOW; j++) cost += freq[(folded[w + j]! << 8) | folded[w + j + 1]!]!;
    if (cost < bestCost) {
      bestCost = cost;
      best = w;
    }
  }
  return best;
}
