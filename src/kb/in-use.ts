// Which knowledge base a command judges with: one pinned by --kb / EXCENSUS_KB (a directory, a
// version in the user's data dir, or "bundled"), else the updated KB that `kb update` made
// current, else the one shipped in the package's data/. The CLI chooses once per command
// (useKnowledgeBase); library callers that never choose get the same answer from the environment.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { dataPath } from '../core/data-dir.js';
import { ConfigError } from '../core/errors.js';
import { loadKnowledgeBase } from './load.js';

export interface KbChoice {
  dir: string;
  /** How it was chosen. */
  by: 'pin' | 'current' | 'bundled';
  /** Why an updated KB was passed over, if one was. */
  note?: string;
}

/** data/ beside the package, from src/kb or dist/src/kb. */
export function bundledDataDir(): string {
  return dirname(dataPath('builds.json'));
}

/** The user's data directory for exchange-census: EXCENSUS_DATA_DIR, else the XDG one. */
export function userDataDir(env: NodeJS.ProcessEnv): string {
  if (env.EXCENSUS_DATA_DIR) return resolve(env.EXCENSUS_DATA_DIR);
  const base = env.XDG_DATA_HOME ? env.XDG_DATA_HOME : join(env.HOME ?? homedir(), '.local', 'share');
  return join(resolve(base), 'exchange-census');
}

/** Where updated knowledge bases live: one directory per version, and the `current` pointer. */
export function kbRoot(env: NodeJS.ProcessEnv): string {
  return join(userDataDir(env), 'kb');
}

export const CURRENT_POINTER = 'current';

export function readCurrentVersion(root: string): string | null {
  const p = join(root, CURRENT_POINTER);
  if (!existsSync(p)) return null;
  const v = readFileSync(p, 'utf8').trim();
  return v === '' ? null : v;
}

function isKbDir(dir: string): boolean {
  return existsSync(join(dir, 'builds.json'));
}

export function chooseKnowledgeBase(opts: { pin?: string | undefined; env: NodeJS.ProcessEnv }): KbChoice {
  const root = kbRoot(opts.env);
  const pin = opts.pin ?? (opts.env.EXCENSUS_KB || undefined);
  if (pin !== undefined) {
    if (pin === 'bundled') return { dir: bundledDataDir(), by: 'pin' };
    if (/^[0-9A-Za-z][0-9A-Za-z.-]*$/.test(pin) && isKbDir(join(root, pin)))
      return { dir: join(root, pin), by: 'pin' };
    if (isKbDir(resolve(pin))) return { dir: resolve(pin), by: 'pin' };
    throw new ConfigError(
      'E_KB_NOT_FOUND',
      `no knowledge base "${pin}": give a directory holding builds.json, a version in ${root}, or "bundled"`,
    );
  }
  const current = readCurrentVersion(root);
  if (current === null || !isKbDir(join(root, current))) return { dir: bundledDataDir(), by: 'bundled' };
  // A package upgrade can bring bundled data newer than an update made before it.
  const bundled = loadKnowledgeBase(bundledDataDir());
  const updated = loadKnowledgeBase(join(root, current));
  if (bundled.dataDate > updated.dataDate)
    return {
      dir: bundledDataDir(),
      by: 'bundled',
      note: `the bundled KB (${bundled.dataDate}) is newer than the updated one (${updated.version}); run \`excensus kb update\``,
    };
  return { dir: join(root, current), by: 'current' };
}

let chosen: KbChoice | null = null;

/** Sets the KB that loadKnowledgeBase() without a directory loads, for the rest of this thread. */
export function useKnowledgeBase(choice: KbChoice): void {
  chosen = choice;
}

export function knowledgeBaseInUse(): KbChoice {
  return (chosen ??= chooseKnowledgeBase({ env: process.env }));
}
