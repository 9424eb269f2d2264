// The `lookup` table: one row per build with its product, release, support and CVE families.
import type { Classification } from '../core/classification.js';
import { familiesWith } from '../classify/index.js';
import { NOT_ASSESSED, productAssessed } from './assessed.js';

function supportCell(c: Classification): string {
  if (c.product === null) return '?';
  if (!c.onPremises) return 'hosted';
  if (c.eol) return `EOL since ${c.eolDate} (+${c.daysPastEol}d)`;
  return c.eolDate ? `supported to ${c.eolDate}` : 'supported';
}

function listCell(items: string[]): string {
  return items.length ? items.join(', ') : '-';
}

export function lookupTableLines(results: { input: string; c: Classification }[]): string[] {
  const header = [
    'INPUT',
    'PRODUCT',
    'RELEASE',
    'SUPPORT',
    'VULNERABLE',
    'LIKELY',
    'UNASSESSED',
    'RECOMMENDATION',
  ];
  const rows = results.map(({ input, c }) => {
    const families = productAssessed(c.product)
      ? [
          listCell(familiesWith(c.vulns, 'vulnerable')),
          listCell(familiesWith(c.vulns, 'likely')),
          listCell(familiesWith(c.vulns, 'unassessed')),
        ]
      : [NOT_ASSESSED, NOT_ASSESSED, NOT_ASSESSED];
    return [input, c.product ?? '?', c.release ?? '-', supportCell(c), ...families, c.recommendation];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]): string =>
    r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
  const notes = results.filter(({ c }) => c.note).map(({ input, c }) => `  ${input}: ${c.note}`);
  return [fmt(header), ...rows.map(fmt), ...(notes.length ? ['', 'Notes:', ...notes] : [])];
}
