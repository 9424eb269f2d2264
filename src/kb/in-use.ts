// Which knowledge base a command judges with: one pinned by --kb / EXCENSUS_KB (a directory, a
// version in the user's data dir, or "bundled"), else the updated KB that `kb update` made
// current, else the one shipped in the package's data/. The CLI chooses once per command and
// hands the choice to useKnowledgeBase (load.ts); a caller that never chooses gets the bundled KB.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, DataError } from '../core/errors.js';
import { loadKnowledgeBase } from './load.js';
import type { KnowledgeBase } from './types.js';
import { bundledDataDir, kbRoot, readCurrentVersion } from './locations.js';

export interface KbChoice {
  dir: string;
  /** How it was chosen. */
  by: 'pin' | 'current' | 'bundled';
  /** Why an updated KB was passed over, if one was. */
  note?: string;
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
  let updated: KnowledgeBase;
  try {
    updated = loadKnowledgeBase(join(root, current));
  } catch (err) {
    // Chosen all the same: whoever loads it hears what is wrong, and `kb update` can replace it.
    if (err instanceof DataError) return { dir: join(root, current), by: 'current' };
    throw err;
  }
  if (bundled.dataDate > updated.dataDate)
    return {
      dir: bundledDataDir(),
      by: 'bundled',
      note: `the bundled KB (${bundled.dataDate}) is newer than the updated one (${updated.version}); run \`excensus kb update\``,
    };
  // An update is built on the bundled KB of the package that made it. Built on another (the package
  // was upgraded since) and no newer, it would hide what the new bundled data corrects.
  const base = updated.manifest?.base_version;
  if (base !== undefined && base !== bundled.version && bundled.dataDate >= updated.dataDate)
    return {
      dir: bundledDataDir(),
      by: 'bundled',
      note: `the updated KB (${updated.version}) was built on bundled data (${base}) this package no longer ships, and is no newer than the bundled one (${bundled.version}); run \`excensus kb update\` to rebuild it on the new base`,
    };
  return { dir: join(root, current), by: 'current' };
}
