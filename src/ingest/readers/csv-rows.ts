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
    // Whole runs between quotes and commas are sliced off, never added a character at a time: a
    // long field built by single characters took ~40 bytes of memory per byte of the line.
    for (let i = 0; i < text.length;) {
      if (inQuotes) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          field += text.slice(i);
          break;
        }
        field += text.slice(i, q);
        if (text[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          inQuotes = false;
          i = q + 1;
        }
      } else if (text[i] === '"' && field === '') {
        inQuotes = true;
        i++;
      } else {
        const comma = text.indexOf(',', i);
        if (comma < 0) {
          field += text.slice(i);
          break;
        }
        fields.push(field + text.slice(i, comma));
        field = '';
        i = comma + 1;
      }
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
