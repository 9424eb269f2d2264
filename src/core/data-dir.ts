// Finds a file or folder under the package's data/ (or elsewhere in the package), whether the code runs from src/ (tsx) or from
// dist/src/ (built): walks up from this file to the first data/ that holds it.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError } from './errors.js';

export function dataPath(...segments: string[]): string {
  const found = packagePath('data', ...segments);
  if (found === null)
    throw new DataError(`data/${segments.join('/')} not found above ${fileURLToPath(import.meta.url)}`);
  return found;
}

/** The first `segments` path found walking up from this file (the package's own files); null if none. */
export function packagePath(...segments: string[]): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, ...segments);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return null;
}
