// Writes an updated knowledge base into the user's data dir without ever leaving half of one:
// the files and manifest go into a temporary directory that is renamed to kb/<version> whole,
// then the `current` pointer is replaced by rename. A failure leaves the previous KB in use.
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
import { DATA_FILES, MANIFEST_NAME, sha256, type KbManifest } from '../manifest.js';
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

function holdsFiles(dir: string, files: KbFiles): boolean {
  return DATA_FILES.every(
    (n) => existsSync(join(dir, n)) && sha256(readFileSync(join(dir, n), 'utf8')) === sha256(files[n]),
  );
}

/**
 * Puts the KB at root/<version>. The same content already there only gets the new manifest (its
 * check date moves on); `created` says whether the directory is new.
 */
export function writeKbVersion(
  root: string,
  files: KbFiles,
  manifest: KbManifest,
): { dir: string; created: boolean } {
  mkdirSync(root, { recursive: true });
  const dir = join(root, manifest.version);
  if (existsSync(dir) && holdsFiles(dir, files)) {
    replaceFile(join(dir, MANIFEST_NAME), manifestText(manifest));
    return { dir, created: false };
  }
  const tmp = join(root, `.tmp-${manifest.version}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(tmp);
    for (const n of DATA_FILES) writeDurable(join(tmp, n), files[n]);
    writeDurable(join(tmp, MANIFEST_NAME), manifestText(manifest));
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
