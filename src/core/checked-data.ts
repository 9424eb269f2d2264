// The package's data files are checked by schemas when they are loaded, and loading the schema
// library and running it was a large share of every command's start-up (docs/ingest-exchange-heavy.md).
// data/checked.generated.json (`npm run compile-rules`) lists the digest of each bundled file the
// schemas accepted, and for a YAML file the value it validated to. A file whose text has exactly
// that digest was checked already; any other text (an edited file) is checked by its schema as
// before. The digests name content, not places. `kb update` keeps the same kind of record beside
// a KB it installs (checked.json, kb/update/overlay.ts): the digests of the texts it validated,
// which a load of that KB compares (kb/load.ts).
import { readFileSync } from 'node:fs';
import { dataPath } from './data-dir.js';
import { sha256 } from './digest.js';

export const CHECKED_DATA_NAME = 'checked.generated.json';
export const CHECKED_DATA_BY = 'npm run compile-rules (scripts/compile-rules.ts)';

export interface CheckedFile {
  sha256: string;
  /** What a YAML file validated to (a JSON file validates to its own parse). */
  value?: unknown;
}

export interface CheckedData {
  generated_by: string;
  files: Record<string, CheckedFile>;
}

let checked: Record<string, CheckedFile> | undefined;

/** The files a record at `path` lists; none when it is missing or unreadable (all are then checked). */
export function readCheckedFiles(path: string): Record<string, CheckedFile> {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as Partial<CheckedData> | null;
    return data?.files && typeof data.files === 'object' ? data.files : {};
  } catch {
    return {};
  }
}

/** Whether `files` lists exactly this digest for `name`. */
export function listsDigest(files: Record<string, CheckedFile>, name: string, digest: string): boolean {
  const entry = files[name];
  return typeof entry?.sha256 === 'string' && entry.sha256 === digest;
}

function checkedFiles(): Record<string, CheckedFile> {
  if (checked) return checked;
  let path: string;
  try {
    path = dataPath(CHECKED_DATA_NAME);
  } catch {
    return (checked = {}); // missing: every file is checked by its schema
  }
  return (checked = readCheckedFiles(path));
}

/** Whether the schemas accepted exactly this text of a file named `name`. */
export function isChecked(name: string, text: string): boolean {
  const files = checkedFiles();
  return name in files && listsDigest(files, name, sha256(text));
}

/** The value kept for exactly this text of `name`; undefined when there is none. */
export function checkedValue(name: string, text: string): unknown {
  return isChecked(name, text) ? checkedFiles()[name]?.value : undefined;
}
