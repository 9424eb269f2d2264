// Base lifecycle table + endoflife.date -> the new lifecycle table. A date the base lacks is
// filled in; a date both give differently is reported and the base's kept (it names its source).
// Products the annotations define by hand are left to them.
import type { LifecycleTableRow } from '../tables.js';
import type { LifecycleCycle } from './lifecycle-page.js';

const FIELDS = [
  ['releaseDate', 'release date'],
  ['mainstreamEnd', 'end of mainstream support'],
  ['extendedEnd', 'end of extended support'],
] as const;

export function mergeLifecycle(
  base: LifecycleTableRow[],
  cycles: LifecycleCycle[],
): { rows: LifecycleTableRow[]; notes: string[] } {
  const rows = base.map((r) => ({ ...r }));
  const notes: string[] = [];
  for (const c of cycles) {
    const row = rows.find((r) => r.product === c.product);
    if (!row) {
      notes.push(`endoflife.date dates ${c.product}, whose lifecycle the annotations keep by hand; not used`);
      continue;
    }
    for (const [field, words] of FIELDS) {
      const theirs = c[field];
      if (theirs === null || theirs === row[field]) continue;
      if (row[field] === null) row[field] = theirs;
      else
        notes.push(
          `${c.product}: endoflife.date gives ${words} ${theirs}, the KB ${row[field]}; kept ${row[field]}`,
        );
    }
  }
  return { rows, notes };
}
