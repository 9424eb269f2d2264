// The denormalised columns the census reads, derived once from a host record at write time, plus
// the few fields a plain record needs to be rebuilt from its row alone (plain-record.ts).
import type { HostRecord } from '../core/host-record.js';
import type { Classification } from '../core/classification.js';
import type { Evidence } from '../core/evidence.js';
import type { SqlValue } from './driver.js';

export const HOST_COLUMNS = [
  'scan_id',
  'ip',
  'port',
  'hostname',
  'source',
  'observed_at',
  'status',
  'is_exchange',
  'suspect',
  'product',
  'release_name',
  'build',
  'eol_date',
  'continent',
  'country',
  'asn',
  'asn_org',
  'vuln_mask',
  'likely_mask',
  'geo_region',
  'geo_city',
  'geo_source',
  'asn_source',
  'evidence_exchange',
  'evidence_confidence',
  'front',
  'windows',
  'windows_eos',
] as const;

/** The CVE families whose bits a classification's masks need (counted for on-premises Exchange only, as the census does). */
export function familiesOf(c: Classification): string[] {
  return c.vulns.filter((v) => v.status === 'vulnerable' || v.status === 'likely').map((v) => v.family);
}

/** A classification's (vulnerable, likely) family masks. */
export function masksOf(c: Classification, bitOf: (family: string) => number): [number, number] {
  let vuln = 0;
  let likely = 0;
  for (const v of c.vulns) {
    if (v.status !== 'vulnerable' && v.status !== 'likely') continue;
    const bit = 2 ** bitOf(v.family);
    if (v.status === 'vulnerable') vuln = vuln % (bit * 2) >= bit ? vuln : vuln + bit;
    else likely = likely % (bit * 2) >= bit ? likely : likely + bit;
  }
  return [vuln, likely];
}

/** What the hosts row of a record is made of (pushHostRow): the rest of the record is in its JSON. */
export type RowFields = Pick<
  HostRecord,
  | 'ip'
  | 'port'
  | 'hostname'
  | 'source'
  | 'timestamp'
  | 'status'
  | 'isExchange'
  | 'suspect'
  | 'classification'
  | 'windows'
  | 'geo'
  | 'asn'
> & { evidence: Pick<Evidence, 'exchange' | 'confidence' | 'fronted' | 'front'> };

/**
 * A record's row fields on their own. A batch keeps these instead of the record until its commit,
 * so the record's evidence (signals, names, strings cut from the observation) dies young.
 */
export function rowFields(r: RowFields): RowFields {
  const e = r.evidence;
  return {
    ip: r.ip,
    port: r.port,
    hostname: r.hostname,
    source: r.source,
    timestamp: r.timestamp,
    status: r.status,
    isExchange: r.isExchange,
    suspect: r.suspect,
    classification: r.classification,
    windows: r.windows,
    geo: r.geo,
    asn: r.asn,
    evidence: { exchange: e.exchange, confidence: e.confidence, fronted: e.fronted, front: e.front },
  };
}

/** Values in HOST_COLUMNS order, appended to `out`. `masks`: the record's classification's (masksOf). */
export function pushHostRow(
  out: SqlValue[],
  scanId: number,
  r: RowFields,
  masks: (c: Classification) => [number, number],
): void {
  const c = r.classification;
  const [vuln, likely] = r.isExchange && c ? masks(c) : [0, 0];
  const g = r.geo;
  const a = r.asn;
  out.push(
    scanId,
    r.ip,
    r.port,
    r.hostname ?? null,
    r.source,
    r.timestamp,
    r.status,
    r.isExchange ? 1 : 0,
    r.suspect ? 1 : 0,
    c?.product ?? null,
    c?.release ?? null,
    c?.build ?? null,
    c?.eolDate ?? null,
    g?.continent ?? null,
    g?.country ?? null,
    a?.number ?? null,
    a?.org ?? null,
    vuln,
    likely,
    g?.region ?? null,
    g?.city ?? null,
    g?.source ?? null,
    a?.source ?? null,
    r.evidence.exchange,
    r.evidence.confidence,
    r.evidence.fronted ? (r.evidence.front ?? 'proxy') : null,
    r.windows ? (r.windows.product ?? `Windows ${r.windows.version}`) : null,
    r.windows?.endOfSupport ?? null,
  );
}

/**
 * The columns a plain record (plain-record.ts) fills. Its other columns keep their defaults
 * (NULL product, release, build and EOL date; zero masks), and scan_id is written into the
 * statement: a plain row binds 18 values instead of 25.
 */
export const PLAIN_COLUMNS = [
  'ip',
  'port',
  'hostname',
  'source',
  'observed_at',
  'status',
  'is_exchange',
  'suspect',
  'continent',
  'country',
  'asn',
  'asn_org',
  'geo_region',
  'geo_city',
  'geo_source',
  'asn_source',
  'evidence_exchange',
  'evidence_confidence',
] as const;

/** Values in PLAIN_COLUMNS order, appended to `out`. */
export function pushPlainRow(out: SqlValue[], r: HostRecord): void {
  const g = r.geo;
  const a = r.asn;
  out.push(
    r.ip,
    r.port,
    r.hostname ?? null,
    r.source,
    r.timestamp,
    r.status,
    r.isExchange ? 1 : 0,
    r.suspect ? 1 : 0,
    g?.continent ?? null,
    g?.country ?? null,
    a?.number ?? null,
    a?.org ?? null,
    g?.region ?? null,
    g?.city ?? null,
    g?.source ?? null,
    a?.source ?? null,
    r.evidence.exchange,
    r.evidence.confidence,
  );
}
