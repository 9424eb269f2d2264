// One line per host record as `scan` prints them while it runs: fixed columns (rows stream out
// before the widths of later ones are known), shortened to the terminal's width only on a terminal.
import type { HostRecord } from '../core/host-record.js';
import { joinList } from '../core/text.js';
import { openFamilies } from './aggregate.js';
import { fitCell, fitWidths, type TextLayout } from './render-text.js';

const COLUMNS: Array<{ label: string; width: number; numeric?: boolean }> = [
  { label: 'TARGET', width: 22 },
  { label: 'STATUS', width: 14 },
  { label: 'BUILD', width: 14 },
  { label: 'RELEASE', width: 35 },
  { label: 'SUPPORT', width: 9 },
  { label: 'OPEN CVE FAMILIES', width: 17 },
];

/** The cells of a host's row, as text. */
export function hostRowCells(r: HostRecord): string[] {
  const c = r.classification;
  return [
    r.ip.includes(':') ? `[${r.ip}]:${r.port}` : `${r.ip}:${r.port}`,
    r.status,
    c?.build ?? r.evidence.build ?? '-',
    c?.release ?? (r.isExchange ? 'Exchange (build unknown)' : '-'),
    c ? (c.eol ? 'EOL' : 'supported') : '-',
    joinList([...openFamilies(r)], '-'),
  ];
}

function line(cells: string[], layout: TextLayout): string {
  const widths = fitWidths(
    COLUMNS.map((c) => c.width),
    COLUMNS,
    layout.width,
  );
  return cells
    .map((cell, i) => {
      const w = widths[i] ?? 0;
      // off a terminal a long cell stays whole (and pushes the row on)
      return (layout.width !== undefined ? fitCell(cell, w) : cell).padEnd(w);
    })
    .join('  ')
    .trimEnd();
}

export function hostRowHeader(layout: TextLayout = {}): string {
  return line(
    COLUMNS.map((c) => c.label),
    layout,
  );
}

export function formatHostRow(r: HostRecord, layout: TextLayout = {}): string {
  return line(hostRowCells(r), layout);
}
