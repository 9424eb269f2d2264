// The manifest of an updated knowledge base (manifest.json beside its data files): what it was
// built from, when, and the digests that let a loader refuse a damaged copy. Its schema is in
// manifest-schema.ts, loaded only where a manifest is read or written.
import { createHash } from 'node:crypto';

export const MANIFEST_NAME = 'manifest.json';
/**
 * Beside the manifest: the digests of the manifest and data files `kb update` validated when it
 * installed them, and of the schemas' sources it validated with (core/checked-data.ts's form). A
 * load with the same schemas skips them for exactly those texts.
 */
export const CHECKED_NAME = 'checked.json';
export const DATA_FILES = ['builds.json', 'lifecycle.json', 'cves.json'] as const;
export type DataFileName = (typeof DATA_FILES)[number];

export type { KbManifest, ManifestSource } from './manifest-schema.js';

export { sha256 } from '../core/digest.js';

/**
 * A KB's version: its data date plus the start of a digest over the three data files, so the
 * same content always gets the same version, and different content a different one.
 */
export function kbVersion(dataDate: string, files: Record<DataFileName, string>): string {
  const h = createHash('sha256');
  for (const name of DATA_FILES) h.update(name).update('\0').update(files[name]).update('\0');
  return `${dataDate}.${h.digest('hex').slice(0, 10)}`;
}
