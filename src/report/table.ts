// A format-neutral table: the census builds these, each output format renders them.
import { printable } from '../core/printable.js';

export type Cell = string | number | null;

export interface Column {
  label: string;
  /** Name for --columns; default: the label in lower case with dashes ("EOL share" -> "eol-share"). */
  key?: string;
  /** Numbers right-aligned in text formats. */
  numeric?: boolean;
  /** Render a number as a percentage (value is a fraction 0..1). */
  percent?: boolean;
  /** Hidden from the terminal table unless --wide or --columns asks for it. */
  extra?: boolean;
  /** Where a terminal shortens a long cell: its end (default), or its start when the end tells rows apart (release names). */
  cut?: 'end' | 'start';
}

export interface Table {
  title: string;
  columns: Column[];
  rows: Cell[][];
  /** A line under the table (e.g. what its unit is). */
  note?: string;
}

/**
 * A count with thousands separators, as `toLocaleString('en-US')` writes it. Integers are grouped
 * here: the first locale-aware call loads ICU's number formatting (~13 ms of CPU), a large share
 * of a small report's start-up. Anything else goes to toLocaleString.
 */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** Share as a fraction; 0 when the whole is 0 (no division by zero in empty scans). */
export function share(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}

export function columnKey(c: Column): string {
  return (
    c.key ??
    c.label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
  );
}

/**
 * Human rendering of one cell (text tables, Markdown, HTML); CSV keeps raw values. The one place
 * where a cell's text is finalised: every readable format goes through it.
 */
export function displayCell(value: Cell, col: Column): string {
  if (value === null) return '-';
  if (typeof value === 'number') return col.percent ? formatPercent(value) : formatCount(value);
  return printable(value);
}
