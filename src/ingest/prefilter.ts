// The bulk-ingest pre-filter: a record whose text contains none of the rules' anchors cannot
// fire a positive rule, so it skips JSON.parse (where a sniffer can read its few fields) and
// judging. Anchors are matched case-insensitively with "-" and "_" alike. Characters a JSON
// writer may escape (/ < > & quotes, non-ASCII) are never relied on: each anchor is reduced to
// its longest run of safe characters, which keeps the filter loose but never wrong.
export function makePrefilter(anchors: string[]): ((text: string) => boolean) | null {
  const cores = new Set<string>();
  for (const a of anchors) {
    const pieces = a.toLowerCase().replace(/_/g, '-').split(/[^a-z0-9 ._:=-]+/);
    const best = pieces.reduce((x, y) => (y.length > x.length ? y : x), '');
    if (best.length < 3) return null; // an anchor we cannot test safely: no filtering at all
    cores.add(best);
  }
  if (cores.size === 0) return null;
  const alternatives = [...cores].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/[-_]/g, '[-_]'));
  const re = new RegExp(alternatives.join('|'), 'i');
  return (text) => re.test(text);
}
