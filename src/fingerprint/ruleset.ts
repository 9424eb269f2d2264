// A RuleSet: compiled rules indexed by the part they read, so one pass over an
// observation's headers and one regex per body rule decide everything.
import type { CompiledRule } from './compile.js';
import { compileRule } from './compile.js';
import type { RuleDef } from './rule-schema.js';

export interface RuleSet {
  rules: CompiledRule[];
  /** Header rules by normalised header name (Location rules included). */
  headerRules: Map<string, CompiledRule[]>;
  /** Header rules that fire when none of their names is present. */
  absentRules: CompiledRule[];
  /** Every normalised name some absent rule watches. */
  absentNames: Set<string>;
  bodyRules: CompiledRule[];
  pathRules: CompiledRule[];
  statusRules: CompiledRule[];
  faviconRules: CompiledRule[];
  tlsRules: CompiledRule[];
  bannerRules: CompiledRule[];
  reportedRules: CompiledRule[];
  buildRules: CompiledRule[];
  /** Where the rules were loaded from (for messages). */
  origin: string;
}

export function buildRuleSet(defs: RuleDef[], origin: string): RuleSet {
  const rs: RuleSet = {
    rules: [],
    headerRules: new Map(),
    absentRules: [],
    absentNames: new Set(),
    bodyRules: [],
    pathRules: [],
    statusRules: [],
    faviconRules: [],
    tlsRules: [],
    bannerRules: [],
    reportedRules: [],
    buildRules: [],
    origin,
  };
  for (const def of defs) {
    const rule = compileRule(def.reads === 'location' ? { ...def, names: ['location'] } : def);
    rs.rules.push(rule);
    switch (def.reads) {
      case 'header':
      case 'location':
        if (rule.absent) {
          rs.absentRules.push(rule);
          for (const n of rule.names) rs.absentNames.add(n);
        } else {
          for (const n of rule.names) {
            const list = rs.headerRules.get(n) ?? [];
            list.push(rule);
            rs.headerRules.set(n, list);
          }
        }
        break;
      case 'body':
        rs.bodyRules.push(rule);
        break;
      case 'path':
        rs.pathRules.push(rule);
        break;
      case 'status':
        rs.statusRules.push(rule);
        break;
      case 'favicon':
        rs.faviconRules.push(rule);
        break;
      case 'tls':
        rs.tlsRules.push(rule);
        break;
      case 'banner':
        rs.bannerRules.push(rule);
        break;
      case 'reported':
        rs.reportedRules.push(rule);
        break;
      case 'build':
        rs.buildRules.push(rule);
        break;
    }
  }
  return rs;
}
