import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Permutation } from '../../src/probe/permutation.js';

test('is a bijection on [0, n) for awkward sizes', () => {
  for (const n of [1, 2, 3, 5, 17, 64, 100, 1000, 4097]) {
    const p = new Permutation(n, 42);
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      const x = p.at(i);
      assert.ok(x >= 0 && x < n, `value ${x} out of [0, ${n})`);
      seen.add(x);
    }
    assert.equal(seen.size, n, `size ${n}`);
  }
});

test('the order depends on the seed and is not the identity', () => {
  const a = Array.from({ length: 256 }, (_, i) => new Permutation(256, 1).at(i));
  const b = Array.from({ length: 256 }, (_, i) => new Permutation(256, 2).at(i));
  const again = Array.from({ length: 256 }, (_, i) => new Permutation(256, 1).at(i));
  assert.deepEqual(a, again);
  assert.notDeepEqual(a, b);
  assert.ok(a.filter((x, i) => x === i).length < 16, 'barely any fixed points');
});

test('a /8 needs no memory per address: random access into 2^24 positions', () => {
  const p = new Permutation(2 ** 24, 7);
  const seen = new Set<number>();
  for (let i = 0; i < 10_000; i++) seen.add(p.at(i * 1021));
  assert.equal(seen.size, 10_000);
  // Larger spaces (a /8 on three ports, big IPv6 ranges) are accepted up to 2^48.
  assert.ok(new Permutation(3 * 2 ** 24, 7).at(12345) < 3 * 2 ** 24);
  assert.throws(() => new Permutation(2 ** 49, 1), RangeError);
});

test('shards i/N partition the same seeded order', () => {
  const n = 1000;
  const shards = 3;
  const p = new Permutation(n, 99);
  const all: number[] = [];
  for (let s = 0; s < shards; s++) for (let i = s; i < n; i += shards) all.push(p.at(i));
  assert.equal(new Set(all).size, n);
  assert.equal(all.length, n);
});
