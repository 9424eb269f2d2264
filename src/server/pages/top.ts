// The first rows of a large answer in a page's order, without copying and sorting all of it: a
// census by network has tens of thousands of rows, and every client of a busy dashboard held its
// own sorted copy while its page was drawn.

/**
 * The first `n` of the rows `keep` accepts, in `cmp` order; equal rows keep their order in `rows`
 * (what a stable sort and a slice would give).
 */
export function top<T>(
  rows: readonly T[],
  n: number,
  keep: (row: T) => boolean,
  cmp: (a: T, b: T) => number,
): T[] {
  const out: T[] = [];
  if (n <= 0) return out;
  for (const row of rows) {
    if (!keep(row)) continue;
    if (out.length === n && cmp(row, out[n - 1]!) >= 0) continue;
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(out[mid]!, row) <= 0) lo = mid + 1;
      else hi = mid;
    }
    out.splice(lo, 0, row);
    if (out.length > n) out.pop();
  }
  return out;
}
