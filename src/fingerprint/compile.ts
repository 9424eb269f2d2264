// Turns validated rule definitions into matchers, once per RuleSet: regexes are built here
// and reused for every observation.
import { DataError } from '../core/errors.js';
import type { Precision } from '../core/evidence.js';
import type { RuleDef, RulePart } from './rule-schema.js';
import { normaliseBuild } from './build-text.js';
import { normaliseHeaderName } from './parts.js';

export interface RuleHit {
  /** Text shown as the signal's value. */
  value?: string;
  build?: string;
  precision?: Precision;
  serverName?: string;
  /** Decode rules: the whole captured text, for the decoder (value is cut at 200 characters). */
  raw?: string;
}

export interface CompiledRule {
  def: RuleDef;
  id: string;
  reads: RulePart;
  /** Normalised names (header names lower-cased with "_" as "-"). */
  names: string[];
  absent: boolean;
  /**
   * Body rules: lower-case literals at least one of which any text the rule fires on contains (its
   * declared anchors, see gateOf); a body lacking all of them is not tested. Undefined: always tested.
   */
  gate: readonly string[] | undefined;
  /** Tests one text; undefined when it does not fire. */
  test(text: string): RuleHit | undefined;
}

export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function buildRegex(def: RuleDef): RegExp | undefined {
  const m = def.match;
  const flags = m.caseSensitive ? '' : 'i';
  if (m.regex !== undefined) return new RegExp(m.regex, flags);
  if (m.words !== undefined) return new RegExp(m.words.map(escapeRegex).join('|'), flags);
  if (m.equals !== undefined) return new RegExp(`^\\s*${escapeRegex(m.equals)}\\s*$`, flags);
  return undefined;
}

/** Reads the extract spec against a regex match. */
function extractHit(def: RuleDef, match: RegExpExecArray): RuleHit | undefined {
  const x = def.extract;
  const hit: RuleHit = {};
  if (x?.build !== undefined) {
    const raw = match[x.build];
    const build = raw === undefined ? undefined : normaliseBuild(raw);
    // A rule that promises a build but reads garbage did not really match.
    if (build === undefined) return undefined;
    hit.build = build;
    hit.precision = x.precision ?? (build.split('.').length === 4 ? 'full' : 'cu');
  }
  if (x?.serverName !== undefined) {
    const name = match[x.serverName];
    if (name) hit.serverName = name;
  }
  const valueGroup = x?.value;
  hit.value = valueGroup !== undefined ? match[valueGroup] : (hit.build ?? hit.serverName ?? match[0]);
  if (def.decode !== undefined && hit.value !== undefined) hit.raw = hit.value;
  if (hit.value !== undefined && hit.value.length > 200) hit.value = hit.value.slice(0, 200);
  return hit;
}

/**
 * The anchors a body rule may be skipped by. Never for a rule that fires on a missing pattern
 * (negate), nor for one with an anchor that a case-insensitive search for its ASCII letters could
 * miss where the pre-filter would not (non-ASCII characters; "_" and "-", which it takes as one).
 */
function gateOf(def: RuleDef): string[] | undefined {
  const anchors = def.anchors;
  if (def.reads !== 'body' || def.match.negate === true || !anchors?.length) return undefined;
  if (anchors.some((a) => !/^[\x20-\x7e]+$/.test(a) || /[-_]/.test(a))) return undefined;
  return anchors.map((a) => a.toLowerCase());
}

export function compileRule(def: RuleDef): CompiledRule {
  let re: RegExp | undefined;
  try {
    re = buildRegex(def);
  } catch (err) {
    throw new DataError(`rule ${def.id}: bad regex: ${(err as Error).message}`, { cause: err });
  }
  const negate = def.match.negate === true;
  const names = (def.names ?? []).map((n) => (def.reads === 'header' ? normaliseHeaderName(n) : n));
  const test = (text: string): RuleHit | undefined => {
    if (!re) return undefined;
    const m = re.exec(text);
    if (negate) return m ? undefined : { value: text.length > 200 ? text.slice(0, 200) : text };
    return m ? extractHit(def, m) : undefined;
  };
  const absent = def.match.absent === true;
  return { def, id: def.id, reads: def.reads, names, absent, gate: gateOf(def), test };
}
