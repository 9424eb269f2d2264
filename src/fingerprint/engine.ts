// Runs a RuleSet over one Observation and returns the raw signals, in rule-file order per part.
import type { NtlmInfo, Signal } from '../core/evidence.js';
import type { HttpExchange, Observation } from '../core/observation.js';
import type { CompiledRule, RuleHit } from './compile.js';
import { decodeNtlmChallenge } from './ntlm-challenge.js';
import { normaliseHeaderName } from './parts.js';
import type { HeaderEntry, RuleSet } from './ruleset.js';

/** A signal plus the server name it leaked, if any. */
export interface Fired {
  rule: CompiledRule;
  signal: Signal;
  serverName?: string;
  /** Decoded NTLM host information (decode: ntlm-challenge rules). */
  ntlm?: NtlmInfo;
}

export function toFired(rule: CompiledRule, hit: RuleHit, where: string): Fired {
  const d = rule.def;
  const signal: Signal = { rule: rule.id, weight: d.weight, where };
  if (hit.value !== undefined) signal.value = hit.value;
  if (hit.build !== undefined) signal.build = hit.build;
  if (hit.precision !== undefined) signal.precision = hit.precision;
  if (d.implies !== undefined) signal.implies = d.implies;
  if (hit.build !== undefined && d.extract?.revisionIsLowerBound) signal.revisionIsLowerBound = true;
  const f: Fired = { rule, signal };
  if (hit.serverName !== undefined) f.serverName = hit.serverName;
  if (d.decode === 'ntlm-challenge' && hit.raw !== undefined) {
    // The signal shows the Windows version only: the names are internal (owners' bundles, not public views).
    const ntlm = decodeNtlmChallenge(hit.raw, where);
    if (ntlm) f.ntlm = ntlm;
    if (ntlm?.windowsVersion) signal.value = ntlm.windowsVersion;
    else delete signal.value;
  }
  return f;
}

/**
 * What a header name means to the rules, by its spelling in records (a few hundred spellings recur
 * in millions of records): one map lookup per header. A name read from a record may be a slice that
 * keeps the record's whole text alive: the cache holds flat copies, and no long (hostile or one-off)
 * names.
 */
const NO_RULES: HeaderEntry = { rules: [], watch: 0 };
const MAX_HEADER_NAMES = 4096;
const MAX_CACHED_NAME = 64;
function headerEntry(rs: RuleSet, name: string): HeaderEntry {
  const cache = rs.headerSpellings;
  let e = cache.get(name);
  if (e === undefined) {
    e = rs.headers.get(normaliseHeaderName(name)) ?? NO_RULES;
    if (name.length > MAX_CACHED_NAME) return e;
    if (cache.size >= MAX_HEADER_NAMES) cache.clear();
    cache.set(flatCopy(name), e);
  }
  return e;
}

/** A copy of `s` that refers to no other string (JSON.parse builds it from the JSON text). */
function flatCopy(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

function statusOk(rule: CompiledRule, status: number): boolean {
  const allowed = rule.def.status;
  return allowed === undefined || allowed.includes(status);
}

/** Whether a rule with this id is among `fired` (a handful per exchange: a scan beats a Set). */
function hasFired(fired: readonly Fired[], id: string): boolean {
  for (const f of fired) if (f.rule.id === id) return true;
  return false;
}

/** Where a signal was read: "part[ name][ @ path]", spelled out only for rules that fire. */
function whereIn(ex: HttpExchange, part: string, name: string | undefined): string {
  const at = ex.path ? ` @ ${ex.path}` : '';
  return name === undefined ? `${part}${at}` : `${part} ${name}${at}`;
}

/** Tests one rule on one text of an exchange; at most one signal per rule per exchange. */
function fire(
  here: Fired[],
  ex: HttpExchange,
  rule: CompiledRule,
  text: string,
  part: string,
  name?: string,
): void {
  if (!statusOk(rule, ex.status) || hasFired(here, rule.id)) return;
  const hit = rule.test(text);
  if (hit) here.push(toFired(rule, hit, whereIn(ex, part, name)));
}

/** Fires rules against one HTTP exchange; at most one signal per rule per exchange. */
function runExchange(rs: RuleSet, ex: HttpExchange, out: Fired[]): void {
  const here: Fired[] = [];
  let watched = 0; // bit i: a name absentRules[i] watches is present
  const headers = ex.headers;
  for (let k = 0; k < headers.length; k++) {
    const h = headers[k]!; // an indexed loop: destructuring each pair through an iterator costs
    const e = headerEntry(rs, h[0]);
    watched |= e.watch;
    for (let j = 0; j < e.rules.length; j++) fire(here, ex, e.rules[j]!, h[1], 'header', h[0]);
  }
  // "Header missing" only means something when the source captured headers at all.
  if (ex.headers.length > 0) {
    const absent = rs.absentRules;
    for (let i = 0; i < absent.length; i++) {
      const r = absent[i]!;
      if ((watched & (1 << i)) !== 0 || !statusOk(r, ex.status) || hasFired(here, r.id)) continue;
      here.push(toFired(r, { value: `no ${r.names.join('/')}` }, whereIn(ex, 'headers', undefined)));
    }
  }
  const body = ex.body;
  if (body) {
    const rules = rs.bodyRules;
    let scanned = false; // for anchors, once, when the first gated rule comes
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i]!;
      if (r.gate !== undefined) {
        if (!scanned) rs.bodyGate.scan(body);
        scanned = true;
        if (!rs.bodyGate.passes(i)) continue;
      }
      const within = r.def.within;
      // A slice is O(1) in V8; the scan then stops where the marker could no longer be.
      fire(here, ex, r, within !== undefined && body.length > within ? body.slice(0, within) : body, 'body');
    }
  }
  if (ex.path) for (const r of rs.pathRules) fire(here, ex, r, ex.path, 'path');
  if (ex.status) for (const r of rs.statusRules) fire(here, ex, r, String(ex.status), 'status');
  for (const r of rs.faviconRules) {
    for (const kind of r.names) {
      const v = kind === 'mmh3' ? ex.faviconMmh3 : kind === 'md5' ? ex.bodyMd5 : undefined;
      if (v !== undefined) fire(here, ex, r, String(v), 'favicon', kind);
    }
  }
  // Context-dependent rules stand only where the rules they depend on fired too.
  for (const f of here) {
    const needs = f.rule.def.sameResponseAs;
    if (!needs || needs.every((id) => hasFired(here, id))) out.push(f);
  }
}

/** Everything the rules see in one observation (the build tells run later, in combine). */
export function runRules(rs: RuleSet, obs: Observation): Fired[] {
  const out: Fired[] = [];
  for (const ex of obs.http) runExchange(rs, ex, out);
  if (obs.tls && rs.tlsRules.length > 0) {
    const names = obs.tls.subjectCN ? [obs.tls.subjectCN, ...obs.tls.names] : obs.tls.names;
    for (const r of rs.tlsRules) {
      for (const name of names) {
        const hit = r.test(name);
        if (hit) {
          out.push(toFired(r, hit, 'tls name'));
          break;
        }
      }
    }
  }
  const banners = obs.banners;
  if (banners) {
    for (const r of rs.bannerRules) {
      for (const kind of r.names) {
        const text = banners[kind as keyof typeof banners];
        const hit = text ? r.test(text) : undefined;
        if (hit) {
          out.push(toFired(r, hit, `banner ${kind}`));
          break;
        }
      }
    }
  }
  const reported = obs.reported;
  if (reported) {
    for (const r of rs.reportedRules) {
      for (const field of r.names) {
        const v = reported[field as keyof typeof reported];
        const hit = typeof v === 'string' ? r.test(v) : undefined;
        if (hit) {
          out.push(toFired(r, hit, `reported ${field}`));
          break;
        }
      }
    }
  }
  return out;
}
