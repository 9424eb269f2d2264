// RFC 4180 CSV with formula-injection neutralising: hostnames and titles come from hostile
// servers, and a spreadsheet would execute "=HYPERLINK(...)" typed into a cell.
import { printableKeepingLines } from '../core/printable.js';

const FORMULA_START = /^[=+\-@\t\r]/;

/** One field, quoted when needed; text starting like a formula gets a leading single quote. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // a text file: control characters from scan data are shown escaped (core/printable.ts); line
  // breaks stay, in a quoted field
  const text = printableKeepingLines(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One record line, CRLF-terminated as RFC 4180 says. */
export function csvLine(values: Array<string | number | boolean | null | undefined>): string {
  return values.map(csvField).join(',') + '\r\n';
}
