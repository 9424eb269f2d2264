// Observation -> HostRecord: fingerprint the observation, classify the build it read, and say
// whether it counts as an on-premises server. Pure: the date comes in as `asOf`.
import type { Classification } from '../core/classification.js';
import type { Evidence } from '../core/evidence.js';
import type { HostRecord, HostStatus } from '../core/host-record.js';
import type { Observation } from '../core/observation.js';
import { fingerprint, type RuleSet } from '../fingerprint/index.js';
import { judgeWindows, loadWindowsTable, type KnowledgeBase, type WindowsTable } from '../kb/index.js';
import { classifyBuild } from './classify-build.js';
import { parseBuild } from './parse-build.js';

export interface JudgeContext {
  rules: RuleSet;
  kb: KnowledgeBase;
  asOf: string;
  /** Windows releases by version (default: the bundled data/windows.json). */
  windows?: WindowsTable;
}

const LOWER_BOUND_NOTE =
  'The revision read is a lower bound (its source may not move with security updates): update-level verdicts are at best "likely".';

function noEvidence(): Evidence {
  return { exchange: 'no', confidence: 'low', suspectReasons: [], signals: [], serverNames: [] };
}

/** Classifications by reading (build, lower bound, date), per knowledge base: records repeat a few thousand readings. */
const readings = new WeakMap<KnowledgeBase, Map<string, Classification | null>>();
const MAX_READINGS = 20_000;

/**
 * Classifies the evidence's build. A lower-bound revision keeps the full build for the
 * release name, but takes its per-CVE verdicts from the CU reading with that revision as a floor.
 * Depends on the evidence's reading, the knowledge base and the date only; every record of one
 * reading gets the same frozen object.
 */
export function classifyEvidence(
  ev: Evidence,
  ctx: Pick<JudgeContext, 'kb' | 'asOf'>,
): Classification | null {
  const build = ev.build;
  if (build === undefined) return null;
  let byReading = readings.get(ctx.kb);
  if (!byReading || byReading.size >= MAX_READINGS) readings.set(ctx.kb, (byReading = new Map()));
  const lowerBound = ev.revisionIsLowerBound === true;
  const key = `${build}|${lowerBound}|${ctx.asOf}`;
  let c = byReading.get(key);
  if (c === undefined) byReading.set(key, (c = classifyReading(build, lowerBound, ctx)));
  return c;
}

function classifyReading(
  build: string,
  lowerBound: boolean,
  ctx: Pick<JudgeContext, 'kb' | 'asOf'>,
): Classification | null {
  const parsed = parseBuild(build, ctx.kb);
  if ('error' in parsed) return null;
  const c = classifyBuild(parsed, ctx.kb, ctx.asOf);
  if ('error' in c) return null;
  if (!lowerBound) return c;
  const floor = classifyBuild({ ...parsed, precision: 'cu' }, ctx.kb, ctx.asOf);
  if ('error' in floor) return c;
  return Object.freeze({
    ...c,
    vulns: floor.vulns,
    note: c.note ? `${c.note} ${LOWER_BOUND_NOTE}` : LOWER_BOUND_NOTE,
  });
}

function statusOf(ev: Evidence, onPremises: boolean): HostStatus {
  if (ev.exchange === 'no') return 'not-exchange';
  if (ev.exchange === 'suspect' || !onPremises) return 'suspect';
  return 'exchange';
}

export function judgeObservation(obs: Observation, ctx: JudgeContext): HostRecord {
  const ok = obs.status === 'ok';
  const evidence = ok ? fingerprint(obs, ctx.rules) : noEvidence();
  const classification = ok ? classifyEvidence(evidence, ctx) : null;
  const onPremises = classification?.onPremises !== false;
  // The knowledge base may know a build is hosted even when no rule said so.
  if (ok && evidence.exchange === 'yes' && !onPremises) {
    evidence.suspectReasons.push(`${classification?.product ?? 'hosted'} build: not an on-premises server`);
  }
  const status: HostStatus = ok ? statusOf(evidence, onPremises) : (obs.status as HostStatus);
  const record: HostRecord = {
    ip: obs.ip,
    port: obs.port,
    source: obs.source,
    timestamp: obs.timestamp,
    status,
    isExchange: status === 'exchange',
    suspect: status === 'suspect',
    evidence,
    classification,
  };
  const windowsVersion = evidence.ntlm?.windowsVersion;
  if (windowsVersion !== undefined)
    record.windows = judgeWindows(windowsVersion, ctx.windows ?? loadWindowsTable(), ctx.asOf);
  if (obs.smtp !== undefined) record.smtp = { tls: obs.smtp.tls, keywords: [...obs.smtp.keywords] };
  if (obs.hostname !== undefined) record.hostname = obs.hostname;
  if (obs.statusDetail !== undefined) record.statusDetail = obs.statusDetail;
  if (obs.geo !== undefined) record.geo = obs.geo;
  if (obs.asn !== undefined) record.asn = obs.asn;
  return record;
}
