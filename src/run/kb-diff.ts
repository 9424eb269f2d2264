// Use case `kb diff [A] [B]`: builds, CVEs, KEV flags and lifecycle dates that differ between two
// knowledge bases (a version in the data dir, a directory, or "bundled"). A defaults to the bundled
// KB, B to the one in use.
import { chooseKnowledgeBase } from '../kb/in-use.js';
import { loadKnowledgeBase } from '../kb/load.js';
import { diffKnowledgeBases, type KbDiff } from '../kb/update/diff.js';

export { formatKbDiff, type KbDiff } from '../kb/update/diff.js';

export function kbDiff(opts: {
  env: NodeJS.ProcessEnv;
  a?: string | undefined;
  b?: string | undefined;
}): KbDiff {
  const a = loadKnowledgeBase(chooseKnowledgeBase({ env: opts.env, pin: opts.a ?? 'bundled' }).dir);
  const b = loadKnowledgeBase(chooseKnowledgeBase({ env: opts.env, pin: opts.b }).dir);
  return diffKnowledgeBases(a, b);
}
