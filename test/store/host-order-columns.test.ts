// The narrow columns of the in-memory host order (store/host-order-columns.ts): a column widens
// when a value does not fit and keeps every value it held, codes past 255 and 65,535 distinct
// values stay exact, masks past 2^32 keep their high bits, and the counting sort still orders them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Coder, permute, RowBits, shares, UintColumn } from '../../src/store/host-order-columns.js';

describe('host order columns', () => {
  it('widen from one byte to two, four and eight, keeping what they held', () => {
    const c = new UintColumn(6);
    c.set(0, 7);
    assert.equal(c.cells.constructor, Uint8Array);
    c.set(1, 300);
    assert.equal(c.cells.constructor, Uint16Array);
    c.set(2, 70_000);
    assert.equal(c.cells.constructor, Uint32Array);
    c.set(3, 2 ** 40 + 5);
    assert.equal(c.cells.constructor, Float64Array);
    c.set(4, -1);
    assert.deepEqual([...c.cells], [7, 300, 70_000, 2 ** 40 + 5, -1, 0]);
    const odd = new UintColumn(2);
    odd.set(0, 1.5);
    assert.deepEqual([...odd.cells], [1.5, 0]);
  });

  it('widen once to doubles for negative, fractional and large values, however many follow', () => {
    const c = new UintColumn(8);
    c.set(0, 3);
    c.set(1, -2);
    const doubles = c.cells;
    assert.equal(doubles.constructor, Float64Array);
    const values = [3, -2, 0.25, -7.5, 2 ** 53, -(2 ** 40), 1e300, 42];
    values.forEach((v, i) => c.set(i, v));
    assert.equal(c.cells, doubles, 'the same column, not a copy per value');
    assert.deepEqual([...c.cells], values);
  });

  it('code 70,000 distinct values exactly, and sort them as the database does', () => {
    const n = 70_000;
    const coder = new Coder(n + 1);
    for (let i = 0; i < n; i++) coder.set(i, `v${String(n - i).padStart(6, '0')}`);
    // row n is NULL
    const col = coder.column();
    assert.equal(col.codes.constructor, Uint32Array);
    for (let i = 0; i < n; i++)
      assert.equal(col.values[col.codes[i]! - 1], `v${String(n - i).padStart(6, '0')}`);
    assert.equal(col.codes[n], 0);
    const p = permute(col);
    assert.equal(p.nonNull, n);
    assert.equal(p.rows[0], n - 1);
    assert.equal(p.rows[n - 1], 0);
    assert.equal(p.rows[n], n);
  });

  it('test masks past 2^32 and keep one bit per row', () => {
    const masks = new UintColumn(2);
    masks.set(0, 2 ** 33);
    masks.set(1, 1);
    assert.ok(shares(masks.cells[0]!, 2 ** 33 + 4));
    assert.ok(!shares(masks.cells[0]!, 2 ** 32));
    assert.ok(shares(masks.cells[1]!, 3));
    const bits = new RowBits(17);
    for (const r of [0, 8, 16]) bits.set(r);
    assert.deepEqual(
      Array.from({ length: 17 }, (_, r) => bits.has(r)).flatMap((b, r) => (b ? [r] : [])),
      [0, 8, 16],
    );
  });
});
