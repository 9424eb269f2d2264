// Record times out of bounds are counted and one is named as an example: the same one however the
// records were split in blocks (worker threads split them differently from one thread).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addTime, emptySpan, mergeSpan, type TimeBounds } from '../../src/core/time-span.js';

const bounds: TimeBounds = { notBefore: '1990-01-01T00:00:00.000Z', notAfter: '2026-12-08T00:00:00.000Z' };
const at = (year: number): string => `${year}-06-01T00:00:00.000Z`;

/** The span of `times` read in blocks of `size`, merged in order into a file span without bounds. */
function split(times: string[], size: number) {
  const file = emptySpan();
  for (let i = 0; i < times.length; i += size) {
    const block = emptySpan(bounds);
    for (const t of times.slice(i, i + size)) addTime(block, t);
    mergeSpan(file, block);
  }
  return file;
}

test('the example of a time out of bounds does not depend on the block split', () => {
  const cases: Record<string, string[]> = {
    'only before the bounds: the earliest': [at(1985), at(1970), at(2020), at(1989), at(1971)],
    'only after: the latest': [at(2090), at(2020), at(2099), at(2030), at(2095)],
    'both: the latest after': [at(1970), at(2090), at(2020), at(1960), at(2091)],
  };
  const expected: Record<string, string> = {
    'only before the bounds: the earliest': at(1970),
    'only after: the latest': at(2099),
    'both: the latest after': at(2091),
  };
  for (const [name, times] of Object.entries(cases))
    for (const size of [1, 2, 3, times.length]) {
      const s = split(times, size);
      assert.equal(s.outsideExample, expected[name], `${name}, blocks of ${size}`);
      assert.equal(s.outside, times.filter((t) => t < bounds.notBefore || t > bounds.notAfter).length);
      assert.equal(s.first, at(2020));
    }
});
