// A format-neutral table: the census builds these, each output format renders them.
import { printable } from '../core/printable.js';

export type Cell = string | number | null;

export interface Column {
  label: string;
  /** Numbers right-aligned in text formats. */
  numeric?: boolean;
  /** Render a number as a percentage (value is a fraction 0..1). */
  percent?: boolean;
}

export interface Table {
  title: string;
  columns: Column[];
  rows: Cell[][];
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** Share as a fraction; 0 when the whole is 0 (no division by zero in empty scans). */
export function share(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}

/** Human rendering of one cell (tables, Markdown, HTML); CSV keeps raw values. */
export function displayCell(value: Cell, col: Column): string {
  if (value === null) return '-';
  if (typeof value === 'number') return col.percent ? formatPercent(value) : formatCount(value);
  return printable(value);
}
