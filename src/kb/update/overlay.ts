// Writes an updated knowledge base into the user's data dir without ever leaving half of one:
// the files and manifest go into a temporary directory that is renamed to kb/<version> whole,
// then the `current` pointer is replaced by rename. A failure leaves the previous KB in use.
// Beside them goes the record of what was validated (CHECKED_NAME: the digests of the data files
// and the manifest, each checked by its schema as it is written, and the digest of those schemas'
// sources), so that a load of this KB skips the schemas while the texts still match it and the
// package in use has the same schemas.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CURRENT_POINTER } from '../locations.js';
import { CHECKED_NAME, DATA_FILES, MANIFEST_NAME, sha256, type KbManifest } from '../manifest.js';
import type { z } from 'zod';
import { bundledSchemasDigest, whyNotChecked, type CheckedData } from '../../core/checked-data.js';
import { KB_FILE_SCHEMAS } from '../schema.js';
import { manifestSchema } from '../manifest-schema.js';
import type { KbFiles } from '../load.js';

function writeDurable(path: string, text: string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function replaceFile(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeDurable(tmp, text);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

export function manifestText(m: KbManifest): string {
  return `${JSON.stringify(manifestSchema.parse(m), null, 2)}\n`;
}

const SCHEMAS: ReadonlyArray<[string, z.ZodType]> = [...KB_FILE_SCHEMAS, [MANIFEST_NAME, manifestSchema]];

/**
 * The record of the texts validated: each data file and the manifest as written, listed when its
 * schema accepts it and validates it to its own parse (a load then takes the parse for the value),
 * and which schemas those are: the package's digest of their sources (data/checked.generated.json).
 * Without one the record is written with none, and never spares a load its check.
 */
function checkedText(files: KbFiles, manifest: string): string {
  const texts: Record<string, string> = { ...files, [MANIFEST_NAME]: manifest };
  const schemas = bundledSchemasDigest();
  const record: CheckedData = {
    generated_by: 'excensus kb update',
    ...(schemas !== null ? { schemas_sha256: schemas } : {}),
    files: {},
  };
  for (const [name, schema] of SCHEMAS)
    if (whyNotChecked(texts[name]!, schema) === null) record.files[name] = { sha256: sha256(texts[name]!) };
  return `${JSON.stringify(record, null, 2)}\n`;
}

function holdsFiles(dir: string, files: KbFiles): boolean {
  return DATA_FILES.every(
    (n) => existsSync(join(dir, n)) && sha256(readFileSync(join(dir, n), 'utf8')) === sha256(files[n]),
  );
}

/**
 * Puts the KB at root/<version>. The same content already there only gets the new manifest (its
 * check date moves on) and record; `created` says whether the directory is new.
 */
export function writeKbVersion(
  root: string,
  files: KbFiles,
  manifest: KbManifest,
): { dir: string; created: boolean } {
  mkdirSync(root, { recursive: true });
  const dir = join(root, manifest.version);
  const text = manifestText(manifest);
  if (existsSync(dir) && holdsFiles(dir, files)) {
    // a stop between the two leaves a record that does not match: the next load validates
    replaceFile(join(dir, MANIFEST_NAME), text);
    replaceFile(join(dir, CHECKED_NAME), checkedText(files, text));
    return { dir, created: false };
  }
  const tmp = join(root, `.tmp-${manifest.version}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(tmp);
    for (const n of DATA_FILES) writeDurable(join(tmp, n), files[n]);
    writeDurable(join(tmp, MANIFEST_NAME), text);
    writeDurable(join(tmp, CHECKED_NAME), checkedText(files, text));
    // A damaged directory of the same version is set aside first, then removed.
    const aside = existsSync(dir) ? `${tmp}.old` : null;
    if (aside) renameSync(dir, aside);
    renameSync(tmp, dir);
    if (aside) rmSync(aside, { recursive: true, force: true });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return { dir, created: true };
}

export function setCurrentVersion(root: string, version: string): void {
  replaceFile(join(root, CURRENT_POINTER), `${version}\n`);
}

/** Versions present under root (directories holding a manifest), by creation time. */
export function listKbVersions(root: string): { version: string; manifest: KbManifest | null }[] {
  if (!existsSync(root)) return [];
  const out: { version: string; manifest: KbManifest | null; created: string }[] = [];
  for (const name of readdirSync(root)) {
    if (name.startsWith('.') || name === CURRENT_POINTER) continue;
    const path = join(root, name, MANIFEST_NAME);
    if (!existsSync(path)) continue;
    let raw: unknown = null;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      // a damaged manifest lists the version without one; loading it will say what is wrong
    }
    const parsed = manifestSchema.safeParse(raw);
    out.push({
      version: name,
      manifest: parsed.success ? parsed.data : null,
      created: parsed.success ? parsed.data.created_at : '',
    });
  }
  return out
    .sort((a, b) => a.created.localeCompare(b.created))
    .map(({ version, manifest }) => ({ version, manifest }));
}
