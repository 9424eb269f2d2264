// A RuleSet: compiled rules indexed by the part they read, so one pass over an
// observation's headers and one regex per body rule decide everything.
import { DataError } from '../core/errors.js';
import { BodyGate } from './body-gate.js';
import type { CompiledRule } from './compile.js';
import { compileRule } from './compile.js';
import type { RuleDef } from './rule-schema.js';

/** What one (normalised) header name means to the rules. */
export interface HeaderEntry {
  /** Rules reading this header's value. */
  rules: CompiledRule[];
  /** Bit i set: absentRules[i] watches this name (its presence keeps that rule from firing). */
  watch: number;
}

/** At most this many absent rules: their state in one exchange is a bit mask. */
export const MAX_ABSENT_RULES = 31;

export interface RuleSet {
  rules: CompiledRule[];
  /** Header rules that fire when none of their names is present. */
  absentRules: CompiledRule[];
  /**
   * By normalised header name: the header rules reading it (Location rules included) and the bits
   * of the absent rules watching it (names that concern no rule: none).
   */
  headers: Map<string, HeaderEntry>;
  /**
   * The engine's cache of `headers` entries by a name's spelling in records (every spelling,
   * an empty entry for names no rule reads); filled as records are read (engine.ts).
   */
  headerSpellings: Map<string, HeaderEntry>;
  bodyRules: CompiledRule[];
  /** Which body rules a body's anchors leave worth testing (body-gate.ts). */
  bodyGate: BodyGate;
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
    absentRules: [],
    headers: new Map(),
    headerSpellings: new Map(),
    bodyRules: [],
    bodyGate: new BodyGate([]),
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
          if (rs.absentRules.length === MAX_ABSENT_RULES)
            throw new DataError(`${origin}: more than ${MAX_ABSENT_RULES} rules read an absent header`);
          const bit = 1 << rs.absentRules.length;
          rs.absentRules.push(rule);
          for (const n of rule.names) headerEntry(rs, n).watch |= bit;
        } else for (const n of rule.names) headerEntry(rs, n).rules.push(rule);
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
  rs.bodyGate = new BodyGate(rs.bodyRules);
  return rs;
}

/** The entry of normalised header name `n`, made empty on first use. */
function headerEntry(rs: RuleSet, n: string): HeaderEntry {
  let e = rs.headers.get(n);
  if (!e) rs.headers.set(n, (e = { rules: [], watch: 0 }));
  return e;
}
