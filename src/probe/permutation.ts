// A seeded bijection on [0, n) with O(1) memory: a balanced Feistel network over the
// smallest even bit width that covers n, with cycle-walking back into range. Any
// scan order is `permute(i)` for i = 0..n-1, so a /8 needs no memory per address, and
// shards (i ≡ shard mod shards) partition the same order across machines.

export const MAX_DOMAIN = 2 ** 48;
const ROUNDS = 4;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Permutation {
  private readonly halfBits: number;
  private readonly half: number;
  private readonly mask: number;
  private readonly keys: number[];

  constructor(
    readonly size: number,
    seed: number,
  ) {
    if (!Number.isSafeInteger(size) || size < 0 || size > MAX_DOMAIN)
      throw new RangeError(`permutation size out of range: ${size}`);
    let bits = 2;
    while (2 ** bits < size) bits += 2;
    this.halfBits = bits / 2;
    this.half = 2 ** this.halfBits;
    this.mask = this.half - 1;
    this.keys = [];
    let k = fmix32((seed >>> 0) ^ 0x9e3779b9);
    for (let r = 0; r < ROUNDS; r++) {
      k = fmix32(k + 0x6a09e667 + r);
      this.keys.push(k);
    }
  }

  private round(x: number): number {
    let left = Math.floor(x / this.half);
    let right = x % this.half;
    for (const key of this.keys) {
      const next = (left ^ (fmix32(right ^ key) & this.mask)) >>> 0;
      left = right;
      right = next;
    }
    return left * this.half + right;
  }

  /** The i-th element of the permuted order (0 <= i < size). */
  at(i: number): number {
    let x = this.round(i);
    // The domain is < 4 * size, so this loop runs a few times on average.
    while (x >= this.size) x = this.round(x);
    return x;
  }
}
