// The YAML rule files are the source; parsing and validating them is a large share of every
// process's start-up (docs/measurements.md). Beside a rule folder, `NAME.generated.json`
// (scripts/compile-rules.ts) keeps the definitions they validate to, with a hash of the files they
// came from: while the files are unchanged, loading takes those instead. A changed file, a missing or
// unreadable generated file: the YAML is read, as before.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DataError } from '../core/errors.js';
import type { RuleDef } from './rule-schema.js';

export interface RuleFile {
  name: string;
  text: string;
}

export interface CompiledRules {
  generatedBy: string;
  sourceHash: string;
  defs: RuleDef[];
}

export const COMPILED_RULES_BY = 'npm run compile-rules (scripts/compile-rules.ts)';

/** The rule files (*.yaml, *.yml, *.json) of a folder, in name order, with their text. */
export function readRuleFiles(root: string): RuleFile[] {
  if (!existsSync(root)) throw new DataError(`fingerprint rules directory not found: ${root}`);
  const names = readdirSync(root)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort();
  if (names.length === 0) throw new DataError(`no rule files in ${root}`);
  return names.map((name) => ({ name, text: readFileSync(join(root, name), 'utf8') }));
}

/** Every file's name and text, hashed. */
export function sourceHash(files: readonly RuleFile[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(`${f.name}\0${f.text}\0`);
  return h.digest('hex');
}

/** Where a rule folder's generated definitions are kept: beside it, not in it. */
export function compiledRulesPath(dir: string): string {
  const root = resolve(dir);
  return join(dirname(root), `${basename(root)}.generated.json`);
}

/** The generated definitions when they were made from exactly these files; else null. */
export function compiledFor(root: string, files: readonly RuleFile[]): RuleDef[] | null {
  try {
    const c = JSON.parse(readFileSync(compiledRulesPath(root), 'utf8')) as Partial<CompiledRules>;
    return c.sourceHash === sourceHash(files) && Array.isArray(c.defs) ? c.defs : null;
  } catch {
    return null; // missing or unreadable: the rule files decide
  }
}
