// lookupBuilds: what each build is on a given date, from the knowledge base in use.
import type { Classification } from '../core/classification.js';
import { classifyBuild } from '../classify/index.js';
import { loadKnowledgeBase } from '../kb/index.js';

export { lookupTableLines } from '../report/lookup-table.js';

export interface LookupResult {
  results: Array<{ input: string; c: Classification }>;
  /** Inputs that are not builds, with the reason. */
  invalid: Array<{ input: string; error: string }>;
}

export function lookupBuilds(inputs: string[], asOf: string): LookupResult {
  const kb = loadKnowledgeBase();
  const out: LookupResult = { results: [], invalid: [] };
  for (const input of inputs) {
    const c = classifyBuild(input, kb, asOf);
    if ('error' in c) out.invalid.push({ input, error: c.error });
    else out.results.push({ input, c });
  }
  return out;
}
