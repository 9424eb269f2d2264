// The `lookup` table: one row per build with its product, release, support and CVE families.
import type { Classification } from '../core/classification.js';
import { familiesWith } from '../classify/index.js';
import { NOT_ASSESSED, productAssessed } from './assessed.js';
import { joinList } from '../core/text.js';
import { renderTableView, type TableView } from './render-text.js';
import type { Table } from './table.js';

function supportCell(c: Classification): string {
  if (c.product === null) return '?';
  if (!c.onPremises) return 'hosted';
  if (c.eol) return `EOL since ${c.eolDate} (+${c.daysPastEol}d)`;
  return c.eolDate ? `supported to ${c.eolDate}` : 'supported';
}

function listCell(items: string[]): string {
  return joinList(items, '-');
}

/** One row per build; long cells (the recommendation) are shortened only on a terminal. */
export function lookupTable(results: { input: string; c: Classification }[]): Table {
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
  // the release names the product; PRODUCT alone shows with --wide or --columns
  return {
    title: '',
    columns: header.map((label) => ({ label, ...(label === 'PRODUCT' ? { extra: true } : {}) })),
    rows,
  };
}

export function lookupTableLines(
  results: { input: string; c: Classification }[],
  view: TableView = {},
): string[] {
  const notes = results.filter(({ c }) => c.note).map(({ input, c }) => `  ${input}: ${c.note}`);
  const table = renderTableView(lookupTable(results), view).replace(/\n$/, '').split('\n');
  return [...table, ...(notes.length ? ['', 'Notes:', ...notes] : [])];
}
