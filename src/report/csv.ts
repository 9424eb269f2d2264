// RFC 4180 CSV with formula-injection neutralising: hostnames and titles come from hostile
// servers, and a spreadsheet would execute "=HYPERLINK(...)" typed into a cell.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field, quoted when needed; text starting like a formula gets a leading single quote. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One record line, CRLF-terminated as RFC 4180 says. */
export function csvLine(values: Array<string | number | boolean | null | undefined>): string {
  return values.map(csvField).join(',') + '\r\n';
}
