// "did you mean report?": the known name nearest to a mistyped one.

/** Edit distance: insertions, deletions, substitutions and swaps of neighbours, each costing one. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}

/** The nearest of `names` to `typed`, if it is close enough to be what was meant (or `typed` starts it). */
export function nearest(typed: string, names: readonly string[]): string | undefined {
  const t = typed.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const name of names) {
    const d = name.startsWith(t) && t.length >= 2 ? 0 : editDistance(t, name);
    if (!best || d < best.d) best = { name, d };
  }
  // a third of the name's letters may be wrong, at least one, at most three
  return best && best.d <= Math.min(3, Math.max(1, Math.floor(best.name.length / 3))) ? best.name : undefined;
}

/** " (did you mean country?)", or "" when no known name is near. */
export function didYouMean(typed: string, names: readonly string[]): string {
  const guess = nearest(typed, names);
  return guess ? ` (did you mean ${guess}?)` : '';
}
