// Most ingested records (95% of a Shodan file) say only "seen, not Exchange": no evidence
// signals, no classification. Those are stored as their hosts row alone (no JSON) and rebuilt
// from it on read, equal to what the wire-form JSON would have given back.
import type { HostRecord, HostStatus } from '../core/host-record.js';
import type { Evidence } from '../core/evidence.js';
import type { ObservationSource } from '../core/observation.js';
import type { SqlRow } from './driver.js';

/** True when every field of the record has a hosts column (see HOST_COLUMNS). */
export function isPlainRecord(r: HostRecord): boolean {
  const e = r.evidence;
  return (
    r.classification === null &&
    r.statusDetail === undefined &&
    r.probes === undefined &&
    r.windows === undefined &&
    r.smtp === undefined &&
    e.build === undefined &&
    e.precision === undefined &&
    e.revisionIsLowerBound === undefined &&
    e.signals.length === 0 &&
    e.suspectReasons.length === 0 &&
    e.serverNames.length === 0
  );
}

const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

/** The record a plain host's row holds; null for a row written before these columns existed. */
export function plainRecordFromRow(row: SqlRow): HostRecord | null {
  if (row.evidence_confidence === null || row.evidence_confidence === undefined) return null;
  const evidence: Evidence = {
    exchange: row.evidence_exchange as Evidence['exchange'],
    confidence: row.evidence_confidence as Evidence['confidence'],
    suspectReasons: [],
    signals: [],
    serverNames: [],
  };
  const r: HostRecord = {
    ip: String(row.ip),
    port: Number(row.port),
    source: row.source as ObservationSource,
    timestamp: String(row.observed_at),
    status: row.status as HostStatus,
    isExchange: Number(row.is_exchange) === 1,
    suspect: Number(row.suspect) === 1,
    evidence,
    classification: null,
  };
  const hostname = str(row.hostname);
  if (hostname !== undefined) r.hostname = hostname;
  const geoSource = str(row.geo_source);
  if (geoSource !== undefined) {
    const geo: NonNullable<HostRecord['geo']> = { source: geoSource };
    const country = str(row.country);
    const continent = str(row.continent);
    const region = str(row.geo_region);
    const city = str(row.geo_city);
    if (country !== undefined) geo.country = country;
    if (continent !== undefined) geo.continent = continent;
    if (region !== undefined) geo.region = region;
    if (city !== undefined) geo.city = city;
    r.geo = geo;
  }
  const asnSource = str(row.asn_source);
  if (asnSource !== undefined && row.asn !== null && row.asn !== undefined) {
    const org = str(row.asn_org);
    r.asn =
      org !== undefined
        ? { number: Number(row.asn), org, source: asnSource }
        : { number: Number(row.asn), source: asnSource };
  }
  return r;
}
