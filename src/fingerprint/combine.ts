// Combines fired rules into Evidence: is it the product, which build, how sure, and
// whether anything (honeypot or hosted-service tells, contradicting versions) makes it suspect.
import { isPositiveWeight, type Evidence, type Precision, type Signal } from '../core/evidence.js';
import type { Observation } from '../core/observation.js';
import { buildLine } from './build-text.js';
import { runRules, toFired, type Fired } from './engine.js';
import type { RuleSet } from './ruleset.js';

const PRECISION_RANK: Record<Precision, number> = { full: 3, cu: 2, product: 1 };
const LOWER: Record<Evidence['confidence'], Evidence['confidence']> = {
  high: 'medium',
  medium: 'low',
  low: 'low',
};

/** Notes recorded beside the verdict: the front (product where one names itself) and NTLM host info. */
function addNotes(ev: Evidence, fired: Fired[]): void {
  for (const f of fired) {
    if (f.signal.weight !== 'note') continue;
    const front = f.rule.def.front;
    if (front !== undefined) {
      ev.fronted = true;
      if (front !== 'proxy' && ev.front === undefined) ev.front = front;
    }
    if (f.ntlm && !ev.ntlm) ev.ntlm = f.ntlm;
  }
}

/** Orders build-bearing signals best first: precision, then exact revision, then weight. */
function betterBuild(a: Signal, b: Signal): number {
  const pa = PRECISION_RANK[a.precision ?? 'product'];
  const pb = PRECISION_RANK[b.precision ?? 'product'];
  if (pa !== pb) return pb - pa;
  const la = a.revisionIsLowerBound ? 1 : 0;
  const lb = b.revisionIsLowerBound ? 1 : 0;
  if (la !== lb) return la - lb;
  return (a.weight === 'definitive' ? 0 : 1) - (b.weight === 'definitive' ? 0 : 1);
}

/** Runs the build-shaped tells (e.g. a hosted-service build range) over each build read. */
function buildTells(rs: RuleSet, positives: Fired[]): Fired[] {
  const out: Fired[] = [];
  if (rs.buildRules.length === 0) return out;
  const done = new Set<string>();
  for (const f of positives) {
    const build = f.signal.build;
    if (build === undefined || done.has(build)) continue;
    done.add(build);
    for (const r of rs.buildRules) {
      const hit = r.test(build);
      if (hit) out.push(toFired(r, hit, `build ${build} from ${f.signal.rule}`));
    }
  }
  return out;
}

/** Versions that disagree on major.minor.build cannot all be true: a tell of an edited page. */
function contradictions(positives: Fired[]): string[] {
  const lines = new Map<string, string>();
  for (const f of positives) {
    if (f.signal.build === undefined) continue;
    const line = buildLine(f.signal.build);
    if (!lines.has(line)) lines.set(line, f.signal.rule);
  }
  if (lines.size < 2) return [];
  const parts = [...lines].map(([line, rule]) => `${line} (${rule})`);
  return [`contradicting versions: ${parts.join(' vs ')}`];
}

function pushUnique(list: string[], value: string, caseless = false): void {
  const key = caseless ? value.toLowerCase() : value;
  if (!list.some((v) => (caseless ? v.toLowerCase() : v) === key)) list.push(value);
}

/** The best build-bearing signal: the first of those betterBuild puts first (as a stable sort would). */
function bestBuild(positives: Fired[]): Signal | undefined {
  let best: Signal | undefined;
  for (const f of positives) {
    const s = f.signal;
    if (s.build !== undefined && (best === undefined || betterBuild(s, best) < 0)) best = s;
  }
  return best;
}

/** How many different rules fired among `positives` (only definitive ones when `definitiveOnly`). */
function distinctRules(positives: Fired[], definitiveOnly: boolean): number {
  let n = 0;
  for (let i = 0; i < positives.length; i++) {
    const f = positives[i]!;
    if (definitiveOnly && f.signal.weight !== 'definitive') continue;
    let again = false;
    for (let j = 0; j < i && !again; j++) {
      const g = positives[j]!;
      again = g.rule.id === f.rule.id && (!definitiveOnly || g.signal.weight === 'definitive');
    }
    if (!again) n++;
  }
  return n;
}

export function fingerprint(obs: Observation, rs: RuleSet): Evidence {
  const fired = runRules(rs, obs);
  const positives = fired.filter((f) => isPositiveWeight(f.signal.weight));
  const all = positives.length > 0 ? fired.concat(buildTells(rs, positives)) : fired;
  const signals = all.map((f) => f.signal);
  const serverNames: string[] = [];
  for (const f of positives) if (f.serverName) pushUnique(serverNames, f.serverName, true);
  if (positives.length === 0) {
    // Notes (a front, NTLM names) are kept for the product's hosts only.
    const told = fired.filter((f) => f.signal.weight !== 'note');
    return {
      exchange: 'no',
      confidence: told.length > 0 ? 'medium' : 'high',
      suspectReasons: [],
      signals: told.length === fired.length ? signals : told.map((f) => f.signal),
      serverNames,
    };
  }
  // The certificate of an Exchange host often names it internally (the default self-signed one does:
  // NetBIOS CN, FQDN SAN); owners and CERTs want those names beside the ones the headers leaked.
  if (obs.tls) {
    if (obs.tls.subjectCN) pushUnique(serverNames, obs.tls.subjectCN, true);
    for (const n of obs.tls.names) if (n) pushUnique(serverNames, n, true);
  }
  const suspectReasons: string[] = [];
  const doubts: string[] = [];
  for (const f of all) {
    const reason = f.rule.def.reason;
    if (f.signal.weight === 'negative' && reason) pushUnique(suspectReasons, reason);
    else if (f.signal.weight === 'doubt' && reason) pushUnique(doubts, reason);
  }
  for (const c of contradictions(positives)) suspectReasons.push(c);

  const best = bestBuild(positives);
  const definitive = distinctRules(positives, true);
  const distinct = distinctRules(positives, false);
  const measured =
    definitive > 0 && distinct >= 2 ? 'high' : definitive > 0 || distinct >= 2 ? 'medium' : 'low';
  // A doubt (a tell a real server behind a front can show) costs one step, whatever their number.
  const confidence = doubts.length > 0 ? LOWER[measured] : measured;
  const ev: Evidence = {
    exchange: suspectReasons.length > 0 ? 'suspect' : 'yes',
    precision: best?.precision ?? 'product',
    confidence,
    suspectReasons,
    signals,
    serverNames,
  };
  if (best?.build !== undefined) ev.build = best.build;
  if (best?.revisionIsLowerBound) ev.revisionIsLowerBound = true;
  if (doubts.length > 0) ev.doubts = doubts;
  addNotes(ev, fired);
  // Behind a front (or with odd tells) one weak marker is not enough: the product's own tells must agree.
  if ((ev.fronted || doubts.length > 0) && confidence === 'low' && ev.exchange === 'yes') {
    ev.exchange = 'suspect';
    suspectReasons.push('only one weak marker, behind a front or with odd tells');
  }
  return ev;
}
