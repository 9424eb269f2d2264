// Text in the order SQLite's ORDER BY and MAX() give it: UTF-8 bytes, no collation. JavaScript
// compares UTF-16 units, which agree with UTF-8 bytes below U+D800 only.

/** Negative, zero or positive as `a` sorts before, with or after `b` by UTF-8 bytes. */
export function utf8Compare(a: string, b: string): number {
  if (/[\ud800-\uffff]/.test(a + b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : a > b ? 1 : 0;
}
