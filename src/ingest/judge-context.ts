// Builds the judge every ingest thread uses: rules and knowledge base loaded once per thread.
// Worker threads take the rule definitions the calling thread already read and validated
// (cloned with their start message): compiling them is cheap, reading the rule files is not.
import { judgeObservation } from '../classify/judge.js';
import { buildRuleSet, loadRules, ruleAnchors, type RuleDef } from '../fingerprint/index.js';
import { loadKnowledgeBase } from '../kb/load.js';
import type { Judge } from '../core/judge.js';

/** Rule definitions as read and validated from the rule files, and where they came from. */
export interface RuleDefs {
  defs: RuleDef[];
  origin: string;
}

export interface JudgeContext {
  judge: Judge;
  anchors: string[];
  /** The definitions behind the judge's rules, for other threads to compile. */
  rules?: RuleDefs;
}

export function createJudge(asOf: string, given?: RuleDefs): JudgeContext {
  const rules = given ? buildRuleSet(given.defs, given.origin) : loadRules();
  const ctx = { rules, kb: loadKnowledgeBase(), asOf };
  return {
    judge: (obs) => judgeObservation(obs, ctx),
    anchors: ruleAnchors(rules),
    rules: { defs: rules.rules.map((r) => r.def), origin: rules.origin },
  };
}
