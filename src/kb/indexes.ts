// Indexes over the build table: lines (first three parts) and product boundaries per major.minor.
import { compareVersions, lineKey } from './version.js';
import type { BuildLine, KbRow } from './types.js';

/** Kinds that open a line; a preview or update sharing the line is never its base. */
const OPENING_KINDS = new Set(['RTM', 'CU', 'SP', 'RU']);

export function indexLines(rows: KbRow[]): Map<string, BuildLine> {
  const lines = new Map<string, BuildLine>();
  const sorted = [...rows].sort((a, b) => compareVersions(a.parts, b.parts));
  for (const row of sorted) {
    const key = lineKey(row.parts);
    const line = lines.get(key);
    if (line) line.rows.push(row);
    else lines.set(key, { key, parts: row.parts.slice(0, 3), product: row.product, rows: [row], base: row });
  }
  for (const line of lines.values())
    line.base = line.rows.find((r) => OPENING_KINDS.has(r.kind)) ?? line.base;
  return lines;
}

export function indexMinorGroups(
  lines: Map<string, BuildLine>,
): Map<string, { from: number; product: string }[]> {
  const groups = new Map<string, { from: number; product: string }[]>();
  for (const line of lines.values()) {
    const key = `${line.parts[0]}.${line.parts[1]}`;
    const list = groups.get(key) ?? [];
    const existing = list.find((g) => g.product === line.product);
    const build = line.parts[2] ?? 0;
    if (existing) existing.from = Math.min(existing.from, build);
    else list.push({ from: build, product: line.product });
    groups.set(key, list);
  }
  for (const list of groups.values()) list.sort((a, b) => a.from - b.from);
  return groups;
}
