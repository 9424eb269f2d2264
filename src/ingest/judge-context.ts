// Builds the judge every ingest thread uses: rules and knowledge base loaded once per thread.
import { judgeObservation } from '../classify/judge.js';
import { loadRules, ruleAnchors } from '../fingerprint/index.js';
import { loadKnowledgeBase } from '../kb/load.js';
import type { Judge } from '../core/judge.js';

export interface JudgeContext {
  judge: Judge;
  anchors: string[];
}

export function createJudge(asOf: string): JudgeContext {
  const rules = loadRules();
  const ctx = { rules, kb: loadKnowledgeBase(), asOf };
  return { judge: (obs) => judgeObservation(obs, ctx), anchors: ruleAnchors(rules) };
}
