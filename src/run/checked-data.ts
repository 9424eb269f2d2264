// What data/checked.generated.json holds (core/checked-data.ts): the digest of every bundled data
// file its schema accepts, and the value the YAML one validates to. Written by
// scripts/compile-rules.ts; test/kb/checked-data.test.ts fails while it is out of date.
import { isDeepStrictEqual } from 'node:util';
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { CHECKED_DATA_BY, type CheckedData } from '../core/checked-data.js';
import { sha256 } from '../core/digest.js';
import { dataPath } from '../core/data-dir.js';
import { DataError } from '../core/errors.js';
import { buildsFileSchema, cvesFileSchema, lifecycleFileSchema } from '../kb/schema.js';
import { windowsFile } from '../kb/windows-schema.js';
import { parseReportData } from '../report/report-data.js';

/** The JSON data files, each with the schema it is loaded by. */
const JSON_FILES: ReadonlyArray<[string, z.ZodType]> = [
  ['builds.json', buildsFileSchema],
  ['lifecycle.json', lifecycleFileSchema],
  ['cves.json', cvesFileSchema],
  ['windows.json', windowsFile],
];

export function checkedData(): CheckedData {
  const files: CheckedData['files'] = {};
  for (const [name, schema] of JSON_FILES) {
    const path = dataPath(name);
    const text = readFileSync(path, 'utf8');
    const raw: unknown = JSON.parse(text);
    const r = schema.safeParse(raw);
    if (!r.success) throw new DataError(`${path}: ${r.error.issues[0]?.message ?? r.error.message}`);
    // loading takes the parse for the validated value: they must be the same
    if (!isDeepStrictEqual(r.data, raw))
      throw new DataError(`${path}: validates to other data than it holds`);
    files[name] = { sha256: sha256(text) };
  }
  const report = dataPath('report.yaml');
  const text = readFileSync(report, 'utf8');
  files['report.yaml'] = { sha256: sha256(text), value: parseReportData(report, text) };
  return { generated_by: CHECKED_DATA_BY, files };
}

/** The file's text as written. */
export function checkedDataText(): string {
  return `${JSON.stringify(checkedData(), null, 1)}\n`;
}
