// What data/checked.generated.json holds (core/checked-data.ts): the digest of every bundled data
// file its schema accepts, and the value the YAML one validates to. Written by
// scripts/compile-rules.ts; test/kb/checked-data.test.ts fails while it is out of date. It also
// holds a digest of the knowledge base's schema sources, so an edit to a schema makes the file
// out of date too, and `kb update` records which schemas validated a KB it installs.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { posix } from 'node:path';
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { CHECKED_DATA_BY, whyNotChecked, type CheckedData } from '../core/checked-data.js';
import { sha256 } from '../core/digest.js';
import { dataPath, packagePath } from '../core/data-dir.js';
import { DataError } from '../core/errors.js';
import { KB_FILE_SCHEMAS } from '../kb/schema.js';
import { windowsFile } from '../kb/windows-schema.js';
import { parseReportData } from '../report/report-data.js';

/** The JSON data files, each with the schema it is loaded by. */
const JSON_FILES: ReadonlyArray<[string, z.ZodType]> = [...KB_FILE_SCHEMAS, ['windows.json', windowsFile]];

/** The modules whose schemas validate a KB `kb update` installs (data files and manifest). */
const KB_SCHEMA_SOURCES = ['src/kb/schema.ts', 'src/kb/manifest-schema.ts'];

function readSource(rel: string): string {
  const path = packagePath(...rel.split('/'));
  if (path === null) throw new DataError(`${rel} not found: the schema digest is computed from the sources`);
  return readFileSync(path, 'utf8');
}

/**
 * A digest of what validates a KB: the text of its schema modules and of every local module they
 * import (followed from their `from './x.js'` specifiers), and the version of zod. Any edit to
 * them changes it, comments included: a needless check once after an upgrade, never a skipped one.
 */
export function kbSchemasDigest(
  read: (rel: string) => string = readSource,
  zodVersion: string = (createRequire(import.meta.url)('zod/package.json') as { version: string }).version,
): string {
  const texts = new Map<string, string>();
  const todo = [...KB_SCHEMA_SOURCES];
  for (let rel = todo.shift(); rel !== undefined; rel = todo.shift()) {
    if (texts.has(rel)) continue;
    const text = read(rel);
    texts.set(rel, text);
    for (const m of text.matchAll(/\bfrom\s+['"](\.{1,2}\/[^'"]+)\.js['"]/g))
      todo.push(posix.normalize(posix.join(posix.dirname(rel), `${m[1]!}.ts`)));
  }
  const h = createHash('sha256').update(`zod ${zodVersion}\0`);
  for (const rel of [...texts.keys()].sort()) h.update(`${rel}\0${texts.get(rel)!}\0`);
  return h.digest('hex');
}

export function checkedData(): CheckedData {
  const files: CheckedData['files'] = {};
  for (const [name, schema] of JSON_FILES) {
    const path = dataPath(name);
    const text = readFileSync(path, 'utf8');
    const why = whyNotChecked(text, schema);
    if (why !== null) throw new DataError(`${path}: ${why}`);
    files[name] = { sha256: sha256(text) };
  }
  const report = dataPath('report.yaml');
  const text = readFileSync(report, 'utf8');
  files['report.yaml'] = { sha256: sha256(text), value: parseReportData(report, text) };
  return { generated_by: CHECKED_DATA_BY, schemas_sha256: kbSchemasDigest(), files };
}

/** The file's text as written. */
export function checkedDataText(): string {
  return `${JSON.stringify(checkedData(), null, 1)}\n`;
}
