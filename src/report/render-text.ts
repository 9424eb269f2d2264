// Tables as aligned terminal text, GitHub Markdown, or CSV.
import { checkColumnChoice, selectColumns, type ColumnChoice } from './columns.js';
import { csvLine } from './csv.js';
import { mdText } from './md-text.js';
import { displayCell, type Cell, type Column, type Table } from './table.js';

export interface TextLayout {
  /**
   * Terminal width when stdout is a terminal: text columns are shortened (with an ellipsis) so a
   * row fits. Undefined (a file, a pipe): cells are never shortened.
   */
  width?: number;
}

const GAP = 2;
/** A text column is never shortened below this (or its full width, if narrower). */
const MIN_TEXT = 8;
const ELLIPSIS = '…';

/** `text` cut to `width` characters, an ellipsis where it was cut (its end, or its start). */
export function fitCell(text: string, width: number, cut: 'end' | 'start' = 'end'): string {
  if (text.length <= width) return text;
  if (width <= 1) return ELLIPSIS.slice(0, width);
  return cut === 'start'
    ? ELLIPSIS + text.slice(text.length - width + 1)
    : text.slice(0, width - 1) + ELLIPSIS;
}

/** Column widths that fit `limit`: the widest text columns give way first; numbers never do. */
export function fitWidths(widths: number[], columns: Pick<Column, 'numeric'>[], limit?: number): number[] {
  const out = [...widths];
  if (limit === undefined) return out;
  const total = () => out.reduce((a, b) => a + b, 0) + GAP * Math.max(0, out.length - 1);
  while (total() > limit) {
    let widest = -1;
    for (let i = 0; i < out.length; i++) {
      if (columns[i]?.numeric || out[i]! <= MIN_TEXT) continue;
      if (widest < 0 || out[i]! > out[widest]!) widest = i;
    }
    if (widest < 0) break; // nothing left to shorten: the row wraps
    out[widest] = Math.max(MIN_TEXT, out[widest]! - (total() - limit));
  }
  return out;
}

export function renderTextTable(t: Table, layout: TextLayout = {}): string {
  const col = (i: number): Column => t.columns[i] ?? { label: '' };
  const head = t.columns.map((c) => c.label);
  const body = t.rows.map((r) => r.map((v, i) => displayCell(v, col(i))));
  const full = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const widths = fitWidths(full, t.columns, layout.width);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => {
        const w = widths[i] ?? 0;
        const text = fitCell(c, w, col(i).cut);
        return col(i).numeric ? text.padStart(w) : text.padEnd(w);
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  const out = [
    ...(t.title ? [t.title] : []),
    line(head),
    widths.map((w) => '-'.repeat(w)).join(' '.repeat(GAP)),
  ];
  for (const r of body) out.push(line(r));
  if (body.length === 0) out.push('(none)');
  if (t.note) out.push(t.note);
  return out.join('\n') + '\n';
}

/** How a command shows a table on the terminal: which columns, how wide. */
export type TableView = ColumnChoice & TextLayout;

/** The terminal table of `t` as `view` asks: its default columns (or --wide, --columns), fitted to the width. */
export function renderTableView(t: Table, view: TableView = {}): string {
  checkColumnChoice(view, [t]);
  return renderTextTable(selectColumns(t, view), view);
}

export function renderMarkdownTable(t: Table): string {
  const head = `| ${t.columns.map((c) => mdText(c.label)).join(' | ')} |`;
  const rule = `| ${t.columns.map((c) => (c.numeric ? '---:' : '---')).join(' | ')} |`;
  const rows = t.rows.map(
    (r) => `| ${r.map((v, i) => mdText(displayCell(v, t.columns[i] ?? { label: '' }))).join(' | ')} |`,
  );
  const note = t.note ? ['', mdText(t.note)] : [];
  return [`### ${mdText(t.title)}`, '', head, rule, ...rows, ...note, ''].join('\n') + '\n';
}

/** CSV keeps raw numbers (shares as fractions, 4 decimals) so spreadsheets can compute with them. */
export function renderCsvTable(t: Table, withSection = false): string {
  const head = [...(withSection ? ['section'] : []), ...t.columns.map((c) => c.label)];
  let out = csvLine(head);
  const raw = (v: Cell, i: number) =>
    typeof v === 'number' && t.columns[i]?.percent ? Math.round(v * 10000) / 10000 : v;
  for (const r of t.rows) out += csvLine([...(withSection ? [t.title] : []), ...r.map(raw)]);
  return out;
}
