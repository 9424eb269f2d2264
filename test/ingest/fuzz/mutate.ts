// Seeded mutations of real fixtures for the reader fuzz test: bit flips, cuts, duplicated and
// deleted lines, random bytes, NULs and huge lines. A case is fully determined by (seed, index),
// so one failing case can be replayed alone.
import { gunzipSync, gzipSync } from 'node:zlib';

export type Rng = () => number;

/** mulberry32: small, fast, and good enough to pick mutations. */
export function rngFor(seed: number, index: number): Rng {
  let a = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (rng: Rng, n: number) => Math.floor(rng() * n);

function lines(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) {
    out.push(buf.subarray(start, i + 1));
    start = i + 1;
  }
  if (start < buf.length) out.push(buf.subarray(start));
  return out;
}

/** A byte offset at the start of a line (or the end). */
function lineStart(buf: Buffer, rng: Rng): number {
  const ls = lines(buf);
  let at = 0;
  const k = int(rng, ls.length + 1);
  for (let i = 0; i < k; i++) at += ls[i]!.length;
  return at;
}

function randomBytes(rng: Rng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = int(rng, 256);
  return b;
}

/** A line of `size` bytes without a newline inside: a valid big record, a repeated piece, or noise. */
function hugeLine(buf: Buffer, rng: Rng, size: number): Buffer {
  const kind = int(rng, 3);
  if (kind === 0) {
    const pad = Math.max(0, size - 60);
    return Buffer.from(`{"ip": "192.0.2.250", "port": 443, "data": "${'x'.repeat(pad)}"}\n`);
  }
  const piece = kind === 1 && buf.length > 0 ? buf : randomBytes(rng, 4096);
  const out = Buffer.alloc(size + 1);
  for (let i = 0; i < size; i += piece.length) piece.copy(out, i, 0, Math.min(piece.length, size - i));
  for (let i = out.indexOf(10); i >= 0 && i < size; i = out.indexOf(10, i + 1)) out[i] = 0x20;
  out[size] = 10;
  return out;
}

export interface Mutation {
  name: string;
  apply(buf: Buffer, rng: Rng): Buffer;
}

export const MUTATIONS: Mutation[] = [
  {
    name: 'bit flips',
    apply(buf, rng) {
      const out = Buffer.from(buf);
      for (let n = 1 + int(rng, 8); n > 0 && out.length > 0; n--)
        out[int(rng, out.length)]! ^= 1 << int(rng, 8);
      return out;
    },
  },
  { name: 'cut', apply: (buf, rng) => buf.subarray(0, int(rng, buf.length + 1)) },
  {
    name: 'duplicated lines',
    apply(buf, rng) {
      const ls = lines(buf);
      for (let n = 1 + int(rng, 3); n > 0 && ls.length > 0; n--) {
        const line = ls[int(rng, ls.length)]!;
        ls.splice(
          int(rng, ls.length + 1),
          0,
          line.at(-1) === 10 ? line : Buffer.concat([line, Buffer.from('\n')]),
        );
      }
      return Buffer.concat(ls);
    },
  },
  {
    name: 'deleted lines',
    apply(buf, rng) {
      const ls = lines(buf);
      for (let n = 1 + int(rng, 3); n > 0 && ls.length > 0; n--) ls.splice(int(rng, ls.length), 1);
      return Buffer.concat(ls);
    },
  },
  {
    name: 'random bytes',
    apply(buf, rng) {
      const at = int(rng, buf.length + 1);
      const noise = randomBytes(rng, 1 + int(rng, 64));
      const overwrite = rng() < 0.5 ? noise.length : 0;
      return Buffer.concat([buf.subarray(0, at), noise, buf.subarray(Math.min(buf.length, at + overwrite))]);
    },
  },
  {
    name: 'NULs',
    apply(buf, rng) {
      let out = buf;
      for (let n = 1 + int(rng, 8); n > 0; n--) {
        const at = int(rng, out.length + 1);
        out = Buffer.concat([out.subarray(0, at), Buffer.alloc(1 + int(rng, 4)), out.subarray(at)]);
      }
      return out;
    },
  },
  {
    name: 'huge line',
    apply(buf, rng) {
      const at = lineStart(buf, rng);
      // 16 KiB to 512 KiB: long for a record, short enough for many cases (the test adds one of
      // several MiB per format on top)
      const size = 16 * 1024 * (1 + int(rng, 32));
      return Buffer.concat([buf.subarray(0, at), hugeLine(buf, rng, size), buf.subarray(at)]);
    },
  },
];

export interface FuzzCase {
  /** What was done, for the failure message. */
  steps: string[];
  input: Buffer;
}

/** One to three mutations; a gzip fixture is mutated either as compressed bytes or inside. */
export function mutateFixture(original: Buffer, rng: Rng): FuzzCase {
  const gz = original[0] === 0x1f && original[1] === 0x8b;
  const inside = gz && rng() < 0.5;
  let buf = inside ? gunzipSync(original) : original;
  const steps: string[] = inside ? ['gunzip'] : [];
  for (let n = 1 + int(rng, 3); n > 0; n--) {
    const m = MUTATIONS[int(rng, MUTATIONS.length)]!;
    buf = m.apply(buf, rng);
    steps.push(m.name);
  }
  if (inside) {
    buf = gzipSync(buf, { level: 1 });
    steps.push('gzip');
  }
  return { steps, input: buf };
}

/** Splits an input into chunks the way a pipe might deliver it: bytes, small pieces or whole. */
export function chunksOf(input: Buffer, rng: Rng): Buffer[] {
  const mode = int(rng, 3);
  if (mode === 0 || input.length === 0) return [input];
  // byte-sized pieces of a megabyte line would spend the budget on one case
  if (mode === 1 && input.length > 64 * 1024) return chunksOf(input, () => 0.9);
  const max = mode === 1 ? 16 : 4096;
  const out: Buffer[] = [];
  for (let i = 0; i < input.length;) {
    const n = 1 + int(rng, max);
    out.push(input.subarray(i, i + n));
    i += n;
  }
  return out;
}
