// Streaming RFC 4180 CSV: quoted fields, doubled quotes, newlines inside quotes. Yields each row
// with the line it starts on. A quoted field left open at the end of input is reported.
import { readLines } from '../lines.js';

export type CsvRow = { line: number; fields: string[] } | { line: number; error: string };

const MAX_ROW_LINES = 1000;

export async function* csvRows(chunks: AsyncIterable<Buffer>): AsyncGenerator<CsvRow> {
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let startLine = 0;
  let spanned = 0;
  for await (const { text, line } of readLines(chunks)) {
    if (!inQuotes) {
      if (text.trim() === '') continue;
      fields = [];
      field = '';
      startLine = line;
      spanned = 0;
    } else {
      field += '\n';
      if (++spanned > MAX_ROW_LINES) {
        yield { line: startLine, error: `quoted field not closed after ${MAX_ROW_LINES} lines` };
        inQuotes = false;
        continue;
      }
    }
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (inQuotes) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i++;
          } else inQuotes = false;
        } else field += c;
      } else if (c === '"' && field === '') inQuotes = true;
      else if (c === ',') {
        fields.push(field);
        field = '';
      } else field += c;
    }
    if (!inQuotes) {
      fields.push(field);
      yield { line: startLine, fields };
    }
  }
  if (inQuotes) yield { line: startLine, error: 'quoted field not closed at end of input' };
}

/** Header names normalised for lookup: lower case, spaces and dashes as underscores. */
export function normaliseHeader(h: string): string {
  return h
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}
