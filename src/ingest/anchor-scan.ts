// A multi-pattern byte scanner (Wu-Manber, 2-byte blocks) for the bulk-ingest pre-filter. It
// reads raw UTF-8 bytes without decoding them and jumps up to m-1 bytes per step (m = shortest
// pattern), so most of a record is never looked at twice. Patterns are case-insensitive
// anchors (ASCII letters folded, "_" read as "-") or exact byte strings (JSON keys). The skip
// table only jumps past positions where no pattern can end, so no occurrence is ever missed.

/** ASCII case fold, with "_" and "-" alike (header names are written both ways). */
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

/** Most exact hits kept per line; a line with more is sent to the full parser. */
const MAX_HITS = 64;

export class LineScanner {
  /** Exact-pattern hits of the last scan (pattern id, start offset), `hitCount` of them. */
  readonly hitIds = new Int32Array(MAX_HITS);
  readonly hitStarts = new Int32Array(MAX_HITS);
  hitCount = 0;
  private readonly m: number;
  /** Skip per raw byte pair, indexed little-endian (what DataView.getUint16(i, true) reads). */
  private readonly shift = new Uint8Array(65536);
  private readonly buckets: Array<Compiled[] | undefined> = new Array<Compiled[] | undefined>(65536);

  /** `sample` (typical input bytes) steers each pattern's window to its rarest byte pair. */
  constructor(patterns: ScanPattern[], sample?: Uint8Array) {
    const compiled = patterns.map((p, id): Compiled => {
      const bytes = Uint8Array.from(Buffer.from(p.text, 'latin1'));
      return { id, exact: p.exact, bytes, folded: bytes.map((b) => FOLD[b]!), window: 0 };
    });
    const m = Math.min(...compiled.map((c) => c.bytes.length));
    if (!(m >= 2)) throw new Error('line scanner: every pattern needs at least 2 bytes');
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
  }

  /**
   * Scans bytes [start, end) of one line. Returns true as soon as an anchor occurs (or when
   * exact hits overflow): the line needs the full parser. Otherwise exact hits are in hitIds/hitStarts.
   */
  scanLine(buf: Uint8Array, dv: DataView, start: number, end: number): boolean {
    const shift = this.shift;
    const back = this.m - 1;
    let hits = 0;
    let pos = start + back;
    while (pos < end) {
      const pair = dv.getUint16(pos - 1, true);
      const s = shift[pair]!;
      pos += s;
      if (s !== 0) continue;
      const cands = this.buckets[pair]!;
      for (let k = 0; k < cands.length; k++) {
        const c = cands[k]!;
        const at = pos - back - c.window;
        if (at < start || at + c.bytes.length > end) continue;
        if (!c.exact) {
          if (sameFolded(buf, at, c.folded)) return true;
        } else if (same(buf, at, c.bytes)) {
          if (hits === MAX_HITS) return true;
          this.hitIds[hits] = c.id;
          this.hitStarts[hits] = at;
          hits++;
        }
      }
      pos++;
    }
    this.hitCount = hits;
    return false;
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

/** The window whose final byte pair is rarest in the sample (fewest verifications). */
function rarestWindow(folded: Uint8Array, m: number, freq: Uint32Array): number {
  let best = folded.length - m;
  let bestF = Infinity;
  for (let w = 0; w <= folded.length - m; w++) {
    const f = freq[(folded[w + m - 2]! << 8) | folded[w + m - 1]!]!;
    if (f < bestF) {
      bestF = f;
      best = w;
    }
  }
  return best;
}
