// Loads, validates and compiles the rule files once; later calls get the cached RuleSet.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { dataPath } from '../core/data-dir.js';
import { DataError } from '../core/errors.js';
import { isPositiveWeight } from '../core/evidence.js';
import type { RuleDef } from './rule-schema.js';
import { buildRuleSet, type RuleSet } from './ruleset.js';
import {
  COMPILED_RULES_BY,
  compiledFor,
  readRuleFiles,
  sourceHash,
  type CompiledRules,
  type RuleFile,
} from './compiled-rules.js';

const cache = new Map<string, RuleSet>();

// Loaded when a YAML file is read: with the generated definitions (compiled-rules.ts) it is not.
let yaml: typeof import('yaml') | undefined;
const parseYaml = (text: string): unknown =>
  (yaml ??= createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);
// The rule schema (and the schema library) likewise: only to check rule files themselves.
const ruleFileSchema = (): typeof import('./rule-schema.js').ruleFileSchema =>
  (createRequire(import.meta.url)('./rule-schema.js') as typeof import('./rule-schema.js')).ruleFileSchema;

/** data/fingerprints of this package (from src or dist). */
export function defaultRulesDir(): string {
  return dataPath('fingerprints');
}

function parseRuleFiles(root: string, files: readonly RuleFile[]): RuleDef[] {
  return files.flatMap((f) => parseRuleFile(join(root, f.name), f.text));
}

function parseRuleFile(path: string, text: string): RuleDef[] {
  let doc: unknown;
  try {
    doc = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new DataError(`${path}: cannot parse: ${(err as Error).message}`, { cause: err });
  }
  const parsed = ruleFileSchema().safeParse(doc);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new DataError(
      `${path}: invalid rule file at ${first?.path.join('.') ?? '?'}: ${first?.message ?? ''}`,
    );
  }
  return parsed.data.rules;
}

/** Cross-rule checks the per-rule schema cannot make. */
function checkRules(defs: RuleDef[], origin: string): void {
  const ids = new Set<string>();
  for (const d of defs) {
    if (ids.has(d.id)) throw new DataError(`${origin}: duplicate rule id ${d.id}`);
    ids.add(d.id);
  }
  const byId = new Map(defs.map((d) => [d.id, d]));
  for (const d of defs) {
    for (const dep of d.sameResponseAs ?? []) {
      const other = byId.get(dep);
      if (!other) throw new DataError(`${origin}: rule ${d.id} needs unknown rule ${dep}`);
      if (other.sameResponseAs) throw new DataError(`${origin}: rule ${d.id} needs conditional rule ${dep}`);
      if (!isPositiveWeight(other.weight))
        throw new DataError(`${origin}: rule ${d.id} needs ${other.weight} rule ${dep}`);
    }
    // The ingest pre-filter relies on anchors: a positive text rule without one could be skipped.
    const anchored =
      d.reads === 'header' || d.reads === 'location' || d.reads === 'reported' || d.reads === 'build';
    if (isPositiveWeight(d.weight) && !anchored && !d.anchors?.length) {
      throw new DataError(`${origin}: positive rule ${d.id} reading ${d.reads} needs anchors`);
    }
  }
}

/** Loads every *.yaml / *.yml / *.json rule file in `dir` (default: data/fingerprints). */
export function loadRules(dir?: string): RuleSet {
  const root = resolve(dir ?? defaultRulesDir());
  const hit = cache.get(root);
  if (hit) return hit;
  const files = readRuleFiles(root);
  // the generated definitions while the files are the ones they came from (compiled-rules.ts)
  const defs = compiledFor(root, files) ?? parseRuleFiles(root, files);
  checkRules(defs, root);
  const rs = buildRuleSet(defs, root);
  cache.set(root, rs);
  return rs;
}

/** What scripts/compile-rules.ts writes beside a rule folder: its files' definitions, validated. */
export function compileRules(dir: string = defaultRulesDir()): CompiledRules {
  const root = resolve(dir);
  const files = readRuleFiles(root);
  const defs = parseRuleFiles(root, files);
  checkRules(defs, root);
  return { generatedBy: COMPILED_RULES_BY, sourceHash: sourceHash(files), defs };
}
