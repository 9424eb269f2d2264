// Which columns a table shows: its default set, all of them (--wide), or the ones named (--columns).
import { UsageError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import { joinList } from '../core/text.js';
import { columnKey, type Table } from './table.js';

export interface ColumnChoice {
  /** Column keys to show, in the order given (from --columns). */
  columns?: string[];
  /** Every column (from --wide). */
  wide?: boolean;
}

/** Keys a user may name in --columns across these tables. */
export function columnKeys(tables: Table[]): string[] {
  return [...new Set(tables.flatMap((t) => t.columns.map(columnKey)))];
}

/**
 * Checks --columns against the tables: an unknown key is a usage error that lists the known ones.
 * With several tables (the headline census), a key needs to exist in one of them.
 */
export function checkColumnChoice(choice: ColumnChoice, tables: Table[]): void {
  const known = columnKeys(tables);
  for (const k of choice.columns ?? [])
    if (!known.includes(k.toLowerCase()))
      throw new UsageError(
        `--columns: unknown column "${k}"${didYouMean(k, known)} (known: ${joinList(known)})`,
      );
}

/** The table with only the chosen columns; a table none of the named columns belong to stays whole. */
export function selectColumns(t: Table, choice: ColumnChoice): Table {
  let keep: number[];
  const keys = t.columns.map(columnKey);
  if (choice.columns?.length) {
    keep = choice.columns.map((k) => keys.indexOf(k.toLowerCase())).filter((i) => i >= 0);
    if (keep.length === 0) return t;
  } else if (choice.wide) return t;
  else keep = t.columns.flatMap((c, i) => (c.extra ? [] : [i]));
  if (keep.length === t.columns.length && keep.every((k, i) => k === i)) return t;
  const hidden = t.columns.length - keep.length;
  const note =
    hidden > 0 && !choice.columns?.length
      ? `(${hidden} more column${hidden === 1 ? '' : 's'}: --wide shows all, --columns picks)`
      : undefined;
  return {
    ...t,
    columns: keep.map((i) => t.columns[i]!),
    rows: t.rows.map((r) => keep.map((i) => r[i] ?? null)),
    ...(note ? { note: t.note ? `${t.note}\n${note}` : note } : {}),
  };
}
