// Public surface of the fingerprint engine: (Observation, rules) -> Evidence.
export { loadRules, defaultRulesDir, compileRules } from './load-rules.js';
export { fingerprint } from './combine.js';
export { ruleAnchors, anchorPattern } from './anchors.js';
export { normaliseHeaderName } from './parts.js';
export { normaliseBuild } from './build-text.js';
export { buildRuleSet, type RuleSet } from './ruleset.js';
export type { RuleDef, RuleExample } from './rule-schema.js';
