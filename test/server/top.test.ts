// The first rows of a large census answer in a page's order (server/pages/top.ts) are what a
// stable sort and a slice give, ties included.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { top } from '../../src/server/pages/top.js';
import { makeRng } from '../../src/lab/rng.js';

describe('top rows', () => {
  it('equals filter, stable sort and slice, ties kept in their order', () => {
    const rand = makeRng(42);
    for (let trial = 0; trial < 200; trial++) {
      const rows = Array.from({ length: Math.floor(rand() * 300) }, (_, i) => ({
        i,
        exchange: Math.floor(rand() * 12),
        asn: Math.floor(rand() * 5),
      }));
      const n = Math.floor(rand() * 60);
      const keep = (r: { exchange: number }) => r.exchange > 0;
      for (const cmp of [
        (x: (typeof rows)[0], y: (typeof rows)[0]) => y.exchange - x.exchange,
        (x: (typeof rows)[0], y: (typeof rows)[0]) => y.exchange - x.exchange || x.asn - y.asn,
      ])
        assert.deepEqual(top(rows, n, keep, cmp), rows.filter(keep).sort(cmp).slice(0, n), `trial ${trial}`);
    }
    assert.deepEqual(
      top(
        [3, 1, 2],
        0,
        () => true,
        (a, b) => a - b,
      ),
      [],
    );
  });
});
