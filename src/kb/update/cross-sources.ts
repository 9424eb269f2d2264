// Cross-checks between sources that never change the KB, only report: CSS-Exchange's build
// dictionary against the build table (same release, same build?), and the newest build each
// endoflife.date cycle names against the table's date for it.
import type { BuildTableRow } from '../tables.js';
import { formatVersion, lineKey, splitVersion } from '../version.js';
import type { CssBuild } from './css-builds.js';
import type { LifecycleCycle } from './lifecycle-page.js';

function norm(build: string): string | null {
  const p = splitVersion(build);
  return p ? formatVersion(p) : null;
}

export function crossCheckCss(table: BuildTableRow[], css: CssBuild[]): string[] {
  const notes: string[] = [];
  const byBuild = new Map(table.map((r) => [norm(r.build), r]));
  const missing: CssBuild[] = [];
  for (const c of css) {
    if (byBuild.has(c.build)) continue;
    const line = lineKey(splitVersion(c.build)!);
    const named = c.update
      ? table.find((r) => lineKey(splitVersion(r.build)!) === line && r.release.split(' ').pop() === c.update)
      : undefined;
    if (named)
      notes.push(
        `CSS-Exchange gives ${c.product} ${c.cu} ${c.update} as ${c.build}; the table has ${named.release} as ${named.build}`,
      );
    else missing.push(c);
  }
  if (missing.length)
    notes.push(
      `CSS-Exchange names ${missing.length} builds the table lacks (e.g. ${missing
        .slice(0, 3)
        .map((c) => `${c.product} ${c.cu} ${c.update ?? ''} ${c.build}`.replace('  ', ' '))
        .join('; ')}); not added: it is a cross-check only`,
    );
  return notes;
}

export function crossCheckLatest(table: BuildTableRow[], cycles: LifecycleCycle[]): string[] {
  const notes: string[] = [];
  const byBuild = new Map(table.map((r) => [norm(r.build), r]));
  for (const c of cycles) {
    if (!c.latest) continue;
    const row = byBuild.get(norm(c.latest));
    if (!row) notes.push(`endoflife.date names ${c.latest} as the latest ${c.product}; the table lacks it`);
    else if (c.latestDate && !c.latestDate.startsWith(row.date) && row.date !== c.latestDate)
      notes.push(`endoflife.date dates ${c.latest} (${row.release}) ${c.latestDate}, the table ${row.date}`);
  }
  return notes;
}
