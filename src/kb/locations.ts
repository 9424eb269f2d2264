// Where knowledge bases live: the bundled one in the package's data/, updated ones in the user's
// data dir (EXCENSUS_DATA_DIR, else $XDG_DATA_HOME/exchange-census, else
// ~/.local/share/exchange-census) under kb/<version>/, with kb/current naming the one in use.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { dataPath } from '../core/data-dir.js';

export const CURRENT_POINTER = 'current';

let bundled: string | null = null;

/** data/ beside the package, from src/kb or dist/src/kb (found once: hot paths ask per record). */
export function bundledDataDir(): string {
  return (bundled ??= dirname(dataPath('builds.json')));
}

/** The user's data directory for exchange-census. */
export function userDataDir(env: NodeJS.ProcessEnv): string {
  if (env.EXCENSUS_DATA_DIR) return resolve(env.EXCENSUS_DATA_DIR);
  const base = env.XDG_DATA_HOME ? env.XDG_DATA_HOME : join(env.HOME ?? homedir(), '.local', 'share');
  return join(resolve(base), 'exchange-census');
}

/** Where updated knowledge bases live: one directory per version, and the `current` pointer. */
export function kbRoot(env: NodeJS.ProcessEnv): string {
  return join(userDataDir(env), 'kb');
}

export function readCurrentVersion(root: string): string | null {
  const p = join(root, CURRENT_POINTER);
  if (!existsSync(p)) return null;
  const v = readFileSync(p, 'utf8').trim();
  return v === '' ? null : v;
}
