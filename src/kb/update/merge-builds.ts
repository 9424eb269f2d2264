// Base build table + Microsoft's build list -> the new build table. A build the base knows keeps
// its row (its name and date were researched; a different date in the list is reported); a build
// the base lacks becomes a new row, placed among its product's rows by build number.
import type { BuildAnnotations } from '../annotations.js';
import type { BuildTableRow } from '../tables.js';
import { compareVersions, lineKey, splitVersion } from '../version.js';
import type { BuildListRow } from './build-list.js';

export interface MergedBuilds {
  rows: BuildTableRow[];
  added: BuildTableRow[];
  /** Disagreements between the list and the base, reported and settled for the base. */
  notes: string[];
}

function key(build: string): string {
  return (splitVersion(build) ?? []).join('.');
}

function insertByBuild(rows: BuildTableRow[], row: BuildTableRow): void {
  const parts = splitVersion(row.build)!;
  const same = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.product === row.product);
  // The table lists each product newest first.
  const before = same.find(({ r }) => compareVersions(splitVersion(r.build)!, parts) < 0);
  const at = before ? before.i : same.length ? same[same.length - 1]!.i + 1 : rows.length;
  rows.splice(at, 0, row);
}

export function mergeBuilds(
  base: BuildTableRow[],
  list: BuildListRow[],
  notes: BuildAnnotations,
): MergedBuilds {
  const known = new Map<string, BuildTableRow>(base.map((r) => [key(r.build), r]));
  // A build the annotations list as another form of a row is that row (its own date is the
  // other form's, so dates are not compared).
  const aliases = new Map<string, BuildTableRow>();
  for (const [build, n] of Object.entries(notes.rows)) {
    const row = known.get(key(build));
    if (row) for (const alias of n.also_reported_as ?? []) aliases.set(key(alias), row);
  }
  const rows = [...base];
  const added: BuildTableRow[] = [];
  const out: string[] = [];
  const ascending = [...list].sort((a, b) => compareVersions(a.parts, b.parts));
  for (const r of ascending) {
    if (aliases.has(r.build) && !known.has(r.build)) continue;
    const have = known.get(r.build);
    if (have) {
      if (have.date !== r.date && !r.date.startsWith(have.date))
        out.push(
          `${r.build} (${have.release}): the build list dates it ${r.date}, the KB ${have.date}; kept ${have.date}`,
        );
      if (have.product !== r.product)
        out.push(
          `${r.build}: the build list says ${r.product}, the KB ${have.product}; kept ${have.product}`,
        );
      continue;
    }
    const row: BuildTableRow = {
      product: r.product,
      release: r.release,
      build: r.build,
      buildShort: lineKey(r.parts),
      date: r.date,
      kind: r.kind,
    };
    insertByBuild(rows, row);
    known.set(r.build, row);
    added.push(row);
  }
  return { rows, added, notes: out };
}
