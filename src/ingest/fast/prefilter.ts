// The bulk-ingest pre-filter: a record whose bytes contain none of the rules' anchors cannot
// fire a positive rule, so it skips JSON.parse (a reader's fast path reads its few fields) and judging.
// Anchors are matched case-insensitively with "-" and "_" alike (LineScanner). Characters a
// JSON writer may escape (/ < > & quotes, non-ASCII) are never relied on: each anchor is
// reduced to its longest run of safe characters, which keeps the filter loose but never wrong.
// Letters, digits and the few safe signs are taken as written: no exporter writes them as \u
// escapes, though JSON allows it. A file that does (made by hand, or to hide a record) is
// misread here; `--strict` reads it in full and judges every record.

/** The byte strings to look for; null = some anchor cannot be tested safely: no filtering at all. */
export function anchorCores(anchors: string[]): string[] | null {
  const cores = new Set<string>();
  for (const a of anchors) {
    const pieces = a
      .toLowerCase()
      .replace(/_/g, '-')
      .split(/[^a-z0-9 ._:=-]+/);
    const best = pieces.reduce((x, y) => (y.length > x.length ? y : x), '');
    if (best.length < 3) return null;
    cores.add(best);
  }
  if (cores.size === 0) return null;
  // a core containing a shorter core adds nothing
  const all = [...cores].sort((x, y) => x.length - y.length);
  return all.filter((c, i) => !all.slice(0, i).some((k) => c.includes(k)));
}
