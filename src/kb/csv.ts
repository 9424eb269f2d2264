// Minimal RFC 4180 reader for the reference CSVs and upstream build lists (quoted fields, doubled
// quotes, CRLF), with the line each record starts on.

export type CsvRecord = Record<string, string>;

export interface CsvRow {
  /** 1-based line the record starts on. */
  line: number;
  fields: string[];
}

/** Every record, header included; blank lines are dropped. `unterminated`: the text ends inside quotes. */
export function parseCsvRows(text: string): { rows: CsvRow[]; unterminated: boolean } {
  const rows: CsvRow[] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRow = (): void => {
    row.push(field);
    if (row.length > 1 || row[0] !== '') rows.push({ line: start, fields: row });
    row = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') {
        i++;
        line++;
      }
      endRow();
      start = line;
    } else field += c;
  }
  if (field !== '' || row.length > 0) endRow();
  return { rows, unterminated: quoted };
}

export function parseCsv(text: string): CsvRecord[] {
  const [header, ...body] = parseCsvRows(text).rows;
  if (!header) return [];
  return body.map((r) => {
    if (r.fields.length !== header.fields.length)
      throw new Error(`CSV line ${r.line}: ${r.fields.length} fields, header has ${header.fields.length}`);
    return Object.fromEntries(header.fields.map((h, i) => [h, r.fields[i] ?? '']));
  });
}
