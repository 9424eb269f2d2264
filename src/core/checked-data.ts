// The package's data files are checked by schemas when they are loaded, and loading the schema
// library and running it was a large share of every command's start-up (docs/ingest-exchange-heavy.md).
// data/checked.generated.json (`npm run compile-rules`) lists the digest of each bundled file the
// schemas accepted, and for a YAML file the value it validated to. A file whose text has exactly
// that digest was checked already; any other text (an edited file) is checked by its schema as
// before. The digests name content, not places. `kb update` keeps the same kind of record beside
// a KB it installs (checked.json, kb/update/overlay.ts): the digests of the texts it validated,
// which a load of that KB compares (kb/load.ts). A digest says a text passed the schemas of one
// package version only: both records also hold `schemas_sha256`, a digest of the schema sources
// (the bundled one computed by compile-rules), and a KB's record counts only while it names the
// schemas of the package in use: after an upgrade whose schemas differ, the KB is validated again.
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
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
  /** Digest of the knowledge base's schema sources the texts were validated with (run/checked-data.ts). */
  schemas_sha256?: string;
  files: Record<string, CheckedFile>;
}

export interface CheckedRecord {
  files: Record<string, CheckedFile>;
  /** Its schemas_sha256; null when it has none. */
  schemas: string | null;
}

let bundled: CheckedRecord | undefined;

/** The record at `path`; empty when it is missing or unreadable (all files are then checked). */
export function readCheckedRecord(path: string): CheckedRecord {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as Partial<CheckedData> | null;
    return {
      files: data?.files && typeof data.files === 'object' ? data.files : {},
      schemas: typeof data?.schemas_sha256 === 'string' ? data.schemas_sha256 : null,
    };
  } catch {
    return { files: {}, schemas: null };
  }
}

/** The digest of the schema sources of this package (from data/checked.generated.json); null if none. */
export function bundledSchemasDigest(): string | null {
  return bundledRecord().schemas;
}

/** Whether a KB's record was written against this package's schemas (a record without a digest was not). */
export function holdsForTheseSchemas(record: CheckedRecord): boolean {
  const own = bundledSchemasDigest();
  return own !== null && record.schemas === own;
}

/** What a schema gives (zod's safeParse), without the schema library. */
interface SafeParser {
  safeParse(
    raw: unknown,
  ):
    | { success: true; data: unknown }
    | { success: false; error: { message: string; issues: ReadonlyArray<{ message: string }> } };
}

/**
 * Why `text` may not be listed as checked by `schema`, or null when it may: its schema accepts its
 * parse and validates it to exactly that parse (a load that finds it listed takes the parse).
 */
export function whyNotChecked(text: string, schema: SafeParser): string | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  const r = schema.safeParse(raw);
  if (!r.success) return r.error.issues[0]?.message ?? r.error.message;
  return isDeepStrictEqual(r.data, raw) ? null : 'validates to other data than it holds';
}

/** Whether `files` lists exactly this digest for `name`. */
export function listsDigest(files: Record<string, CheckedFile>, name: string, digest: string): boolean {
  const entry = files[name];
  return typeof entry?.sha256 === 'string' && entry.sha256 === digest;
}

function bundledRecord(): CheckedRecord {
  if (bundled) return bundled;
  let path: string;
  try {
    path = dataPath(CHECKED_DATA_NAME);
  } catch {
    return (bundled = { files: {}, schemas: null }); // missing: every file is checked by its schema
  }
  return (bundled = readCheckedRecord(path));
}

function checkedFiles(): Record<string, CheckedFile> {
  return bundledRecord().files;
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
