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

/** Paths found so far: the package does not move while it runs, and hot paths ask again and again. */
const found = new Map<string, string>();

/** The first `segments` path found walking up from this file (the package's own files); null if none. */
export function packagePath(...segments: string[]): string | null {
  const key = segments.join('\0');
  const hit = found.get(key);
  if (hit !== undefined) return hit;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, ...segments);
    if (existsSync(candidate)) {
      found.set(key, candidate);
      return candidate;
    }
    dir = dirname(dir);
  }
  return null;
}
