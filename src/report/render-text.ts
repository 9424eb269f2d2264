// Tables as aligned terminal text, GitHub Markdown, or CSV.
import { csvLine } from './csv.js';
import { mdText } from './md-text.js';
import { displayCell, type Cell, type Table } from './table.js';

export function renderTextTable(t: Table): string {
  const head = t.columns.map((c) => c.label);
  const body = t.rows.map((r) => r.map((v, i) => displayCell(v, t.columns[i] ?? { label: '' })));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (t.columns[i]?.numeric ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [t.title, line(head), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of body) out.push(line(r));
  if (body.length === 0) out.push('(none)');
  return out.join('\n') + '\n';
}

/** Markdown cells: the data's text stays text (no links, images, HTML or broken rows). */
const mdCell = mdText;

export function renderMarkdownTable(t: Table): string {
  const head = `| ${t.columns.map((c) => mdCell(c.label)).join(' | ')} |`;
  const rule = `| ${t.columns.map((c) => (c.numeric ? '---:' : '---')).join(' | ')} |`;
  const rows = t.rows.map(
    (r) => `| ${r.map((v, i) => mdCell(displayCell(v, t.columns[i] ?? { label: '' }))).join(' | ')} |`,
  );
  return [`### ${mdCell(t.title)}`, '', head, rule, ...rows, ''].join('\n') + '\n';
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
