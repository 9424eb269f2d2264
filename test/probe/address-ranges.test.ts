import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressRanges, parseRange } from '../../src/probe/address-ranges.js';

const r = (text: string) => {
  const p = parseRange(text);
  assert.ok(p, text);
  return p;
};

test('ranges added in any order, overlapping or adjacent, read back merged and sorted; later adds still count', () => {
  const set = new AddressRanges();
  for (const t of [
    '10.0.0.128/25',
    '192.0.2.0/24',
    '10.0.0.0/25',
    '10.0.1.5',
    '2001:db8::/33',
    '2001:db8:8000::/33',
  ])
    set.add(r(t));
  assert.deepEqual(
    set.list4().map(([s, e]) => [s, e]),
    [
      [0x0a000000, 0x0a0000ff],
      [0x0a000105, 0x0a000105],
      [0xc0000200, 0xc00002ff],
    ],
  );
  assert.equal(set.list6().length, 1, 'the two /33 halves join into one /32');
  assert.ok(set.containsIp('10.0.0.200'));
  assert.ok(!set.containsIp('10.0.1.6'));
  set.add(r('10.0.1.6')); // an add after a read is merged on the next read
  assert.ok(set.containsIp('10.0.1.6'));
  assert.deepEqual(set.list4()[1], [0x0a000105, 0x0a000106]);
  assert.deepEqual(set.subtract4(0x0a0000f0, 0x0a000110), [
    [0x0a000100, 0x0a000104],
    [0x0a000107, 0x0a000110],
  ]);
});
