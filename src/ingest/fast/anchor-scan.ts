// A multi-pattern byte scanner (Wu-Manber, 2-byte blocks) for the bulk-ingest pre-filter. It
// reads raw UTF-8 bytes without decoding them and jumps up to m-1 bytes per step (m = shortest
// pattern). Patterns are case-insensitive anchors (ASCII letters folded, "_" read as "-") or
// exact byte strings (JSON keys). The skip table only jumps past positions where no pattern can
// end, so no occurrence is ever missed. A block is cut at line ends into four lanes scanned in
// one loop: each step waits on two dependent loads, and four independent chains keep the CPU busy.

/** ASCII case fold, with "_" and "-" alike (header names are written both ways). */
import {
  META_WIDTH,
  compileNative,
  nativeScanner,
  noteNativeFailure,
  type NativeScanner,
  type PlainLines,
} from './native-scan.js';

const FOLD = new Uint8Array(256);
for (let i = 0; i < 256; i++) FOLD[i] = i >= 65 && i <= 90 ? i + 32 : i === 95 ? 45 : i;

export interface ScanPattern {
  text: string;
  /** true: byte for byte (a JSON key); false: an anchor, ASCII case-insensitive with "_" = "-". */
  exact: boolean;
}

interface Compiled {
  id: number;
  exact: boolean;
  bytes: Uint8Array;
  folded: Uint8Array;
  /** Offset of the m-byte window whose last byte pair keys the verification bucket. */
  window: number;
}

const LANES = 4;

export interface ScannerOptions {
  /** Use the native loop when it is built (default true); false = always the JavaScript one. */
  native?: boolean;
}

export class BlockScanner {
  /** Hits of the last scanBlock, in line order: pattern id and start offset. */
  hitIds = new Int32Array(4096);
  hitStarts = new Int32Array(4096);
  readonly exact: boolean[];
  private readonly m: number;
  /** Skip per raw byte pair, indexed little-endian (what DataView.getUint16(i, true) reads). */
  private readonly shift = new Uint8Array(65536);
  private readonly buckets: Array<Compiled[] | undefined> = new Array<Compiled[] | undefined>(65536);
  /** Per lane: hits as (id, start) pairs, and how many ints are used. */
  private readonly laneHits: Int32Array[] = Array.from({ length: LANES }, () => new Int32Array(2048));
  private readonly laneUsed = new Int32Array(LANES);
  private readonly native: { lib: NativeScanner; handle: object } | null;

  /** `sample` (typical input bytes) steers each pattern's window to its rarest byte pair. */
  constructor(patterns: ScanPattern[], sample?: Uint8Array, options: ScannerOptions = {}) {
    const compiled = patterns.map((p, id): Compiled => {
      const bytes = Uint8Array.from(Buffer.from(p.text, 'latin1'));
      return { id, exact: p.exact, bytes, folded: bytes.map((b) => FOLD[b]!), window: 0 };
    });
    this.exact = compiled.map((c) => c.exact);
    const m = Math.min(...compiled.map((c) => c.bytes.length));
    if (!(m >= 2)) throw new Error('block scanner: every pattern needs at least 2 bytes');
    this.m = m;
    const freq = sample ? pairFrequencies(sample) : undefined;
    const folded = new Uint8Array(65536).fill(m - 1);
    const byPair = new Map<number, Compiled[]>();
    for (const c of compiled) {
      c.window = freq ? rarestWindow(c.folded, m, freq) : c.folded.length - m;
      for (let j = 0; j <= m - 2; j++) {
        const h = (c.folded[c.window + j]! << 8) | c.folded[c.window + j + 1]!;
        folded[h] = Math.min(folded[h]!, m - 2 - j);
        if (j === m - 2) byPair.set(h, [...(byPair.get(h) ?? []), c]);
      }
    }
    // expand to raw pairs so the hot loop needs no fold lookups
    for (let a = 0; a < 256; a++) {
      for (let b = 0; b < 256; b++) {
        const h = (FOLD[a]! << 8) | FOLD[b]!;
        const raw = (b << 8) | a;
        this.shift[raw] = folded[h]!;
        if (folded[h] === 0) this.buckets[raw] = byPair.get(h);
      }
    }
    const lib = options.native === false ? null : nativeScanner();
    this.native = lib ? tryCompile(lib, compiled, freq) : null;
  }

  private plainLines: PlainLines | undefined;

  /**
   * Native only (null otherwise): every line of [start, end), with the few fields of each line
   * without anchors read by the native Shodan reader; `roles` gives each pattern id's field role
   * (-1 = an anchor). The arrays are reused by the next call.
   */
  readPlainLines(buf: Uint8Array, start: number, end: number, roles: Int32Array): PlainLines | null {
    if (!this.native) return null;
    const { lib, handle } = this.native;
    let r = (this.plainLines ??= {
      count: 0,
      lines: new Int32Array(3 * 4096),
      meta: new Int32Array(META_WIDTH * 4096),
      out: Buffer.allocUnsafe(end - start + 4096),
    });
    if (r.out.length < end - start + 4096) r.out = Buffer.allocUnsafe(end - start + 4096);
    for (;;) {
      const n = lib.sniffBlock(handle, buf, start, end, roles, r.lines, r.meta, r.out);
      if (n >= 0) {
        r.count = n;
        return r;
      }
      // too small for this block: grow everything and read it again
      r = this.plainLines = {
        count: 0,
        lines: new Int32Array(r.lines.length * 2),
        meta: new Int32Array(r.meta.length * 2),
        out: Buffer.allocUnsafe(r.out.length * 2),
      };
    }
  }

  /** True when scanBlock runs the native loop. */
  get isNative(): boolean {
    return this.native !== null;
  }

  /** Finds every occurrence in [start, end) of a block of whole lines; returns the hit count. */
  scanBlock(buf: Uint8Array, start: number, end: number): number {
    if (this.native) {
      const { lib, handle } = this.native;
      const n = lib.scan(handle, buf, start, end, this.hitIds, this.hitStarts);
      if (n <= this.hitIds.length) return n;
      this.hitIds = new Int32Array(n * 2);
      this.hitStarts = new Int32Array(n * 2);
      return lib.scan(handle, buf, start, end, this.hitIds, this.hitStarts);
    }
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const bounds: number[] = [start];
    for (let k = 1; k < LANES; k++) {
      const prev = bounds[k - 1]!;
      const target = Math.max(prev, start + Math.floor(((end - start) * k) / LANES));
      const nl = target >= end ? -1 : buf.indexOf(10, target);
      bounds.push(nl < 0 || nl >= end ? end : nl + 1);
    }
    bounds.push(end);
    this.laneUsed.fill(0);
    const shift = this.shift;
    const back = this.m - 1;
    const e0 = bounds[1]!;
    const e1 = bounds[2]!;
    const e2 = bounds[3]!;
    let p0 = start + back;
    let p1 = e0 + back;
    let p2 = e1 + back;
    let p3 = e2 + back;
    while (p0 < e0 && p1 < e1 && p2 < e2 && p3 < end) {
      const s0 = shift[dv.getUint16(p0 - 1, true)]!;
      const s1 = shift[dv.getUint16(p1 - 1, true)]!;
      const s2 = shift[dv.getUint16(p2 - 1, true)]!;
      const s3 = shift[dv.getUint16(p3 - 1, true)]!;
      p0 += s0;
      p1 += s1;
      p2 += s2;
      p3 += s3;
      if (s0 === 0 || s1 === 0 || s2 === 0 || s3 === 0) {
        if (s0 === 0) this.verify(buf, dv, p0++, start, e0, 0);
        if (s1 === 0) this.verify(buf, dv, p1++, e0, e1, 1);
        if (s2 === 0) this.verify(buf, dv, p2++, e1, e2, 2);
        if (s3 === 0) this.verify(buf, dv, p3++, e2, end, 3);
      }
    }
    this.finishLane(buf, dv, p0, start, e0, 0);
    this.finishLane(buf, dv, p1, e0, e1, 1);
    this.finishLane(buf, dv, p2, e1, e2, 2);
    this.finishLane(buf, dv, p3, e2, end, 3);
    return this.collect();
  }

  /** True when pattern `id` is an anchor (case-insensitive), not a key. */
  isAnchor(id: number): boolean {
    return !this.exact[id];
  }

  private finishLane(buf: Uint8Array, dv: DataView, pos: number, lo: number, hi: number, lane: number): void {
    const shift = this.shift;
    while (pos < hi) {
      const s = shift[dv.getUint16(pos - 1, true)]!;
      pos += s;
      if (s === 0) this.verify(buf, dv, pos++, lo, hi, lane);
    }
  }

  private verify(buf: Uint8Array, dv: DataView, pos: number, lo: number, hi: number, lane: number): void {
    if (pos >= hi) return;
    const cands = this.buckets[dv.getUint16(pos - 1, true)]!;
    for (let k = 0; k < cands.length; k++) {
      const c = cands[k]!;
      const at = pos - (this.m - 1) - c.window;
      if (at < lo || at + c.bytes.length > hi) continue;
      if (c.exact ? same(buf, at, c.bytes) : sameFolded(buf, at, c.folded)) {
        let hits = this.laneHits[lane]!;
        const used = this.laneUsed[lane]!;
        if (used + 2 > hits.length) {
          const grown = new Int32Array(hits.length * 2);
          grown.set(hits);
          this.laneHits[lane] = hits = grown;
        }
        hits[used] = c.id;
        hits[used + 1] = at;
        this.laneUsed[lane] = used + 2;
      }
    }
  }

  /** Lanes in order: hits sorted by the position where they were verified, so grouped by line. */
  private collect(): number {
    let n = 0;
    for (let k = 0; k < LANES; k++) n += this.laneUsed[k]! >> 1;
    if (n > this.hitIds.length) {
      this.hitIds = new Int32Array(n * 2);
      this.hitStarts = new Int32Array(n * 2);
    }
    let i = 0;
    for (let k = 0; k < LANES; k++) {
      const hits = this.laneHits[k]!;
      const used = this.laneUsed[k]!;
      for (let j = 0; j < used; j += 2, i++) {
        this.hitIds[i] = hits[j]!;
        this.hitStarts[i] = hits[j + 1]!;
      }
    }
    return n;
  }
}

/** The native tables, or null (the JavaScript loop then runs) when this build refuses them: a stale native build. */
function tryCompile(
  lib: NativeScanner,
  compiled: Compiled[],
  freq: Uint32Array | undefined,
): { lib: NativeScanner; handle: object } | null {
  try {
    return { lib, handle: compileNative(lib, compiled, freq) };
  } catch (err) {
    noteNativeFailure((err as Error).message);
    return null;
  }
}

function same(buf: Uint8Array, at: number, p: Uint8Array): boolean {
  for (let i = 0; i < p.length; i++) if (buf[at + i] !== p[i]) return false;
  return true;
}

function sameFolded(buf: Uint8Array, at: number, p: Uint8Array): boolean {
  for (let i = 0; i < p.length; i++) if (FOLD[buf[at + i]!] !== p[i]) return false;
  return true;
}

function pairFrequencies(sample: Uint8Array): Uint32Array {
  const f = new Uint32Array(65536);
  for (let i = 1; i < sample.length; i++) f[(FOLD[sample[i - 1]!]! << 8) | FOLD[sample[i]!]!]!++;
  return f;
}

/**
 * The window that costs least on the sample: its final byte pair triggers a verification (dear),
 * its other pairs only shorten the skip (cheap).
 */
function rarestWindow(folded: Uint8Array, m: number, freq: Uint32Array): number {
  let best = folded.length - m;
  let bestCost = Infinity;
  for (let w = 0; w <= folded.length - m; w++) {
    let cost = 0;
    for (let j = 0; j <= m - 2; j++)
      cost += freq[(folded[w + j]! << 8) | folded[w + j + 1]!]! * (j === m - 2 ? 8 : 1);
    if (cost < bestCost) {
      bestCost = cost;
      best = w;
    }
  }
  return best;
}
