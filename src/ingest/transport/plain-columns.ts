// Pre-filtered (not-Exchange) Shodan records cross from worker threads to the main thread as
// flat columns in one array: no per-record object graph to serialise, and the main thread builds
// each host record once, directly. Only plain records read by a fast path (a known, small shape) go this way.
import type { HostRecord } from '../../core/host-record.js';
import type { Evidence } from '../../core/evidence.js';
import type { PlainFields } from '../fast/plain-fields.js';
import type { ObservationSource } from '../../core/observation.js';
import { META, META_WIDTH, metaText } from '../fast/native-scan.js';

/** Columns per record: ip, port, hostname, timestamp, country, region, city, asn (-1 = none), org. */
export const PLAIN_COLS_WIDTH = 9;

export type PlainCols = Array<string | number>;

/** Appends a plain record's fields (status ok, no HTTP; '' = absent) to the columns. */
export function pushPlainCols(cols: PlainCols, f: PlainFields, timestamp: string): void {
  cols.push(f.ip, f.port, f.hostname, timestamp, f.country, f.region, f.city, f.asn, f.org);
}

/**
 * The evidence every plain record of a block shares: one frozen object instead of four per record
 * (a sink that tried to change it would throw, not corrupt its neighbours).
 */
export function sharedEmptyEvidence(template: Evidence): Evidence {
  const ev: Evidence = { ...template, suspectReasons: [], signals: [], serverNames: [] };
  Object.freeze(ev.suspectReasons);
  Object.freeze(ev.signals);
  Object.freeze(ev.serverNames);
  return Object.freeze(ev);
}

/** The host record of the plain record starting at column `i`: what notExchangeRecord gives its observation. */
export function plainColsRecord(
  cols: PlainCols,
  i: number,
  evidence: Evidence,
  source: ObservationSource,
): HostRecord {
  return buildRecord(
    cols[i] as string,
    cols[i + 1] as number,
    cols[i + 2] as string,
    cols[i + 3] as string,
    cols[i + 4] as string,
    cols[i + 5] as string,
    cols[i + 6] as string,
    cols[i + 7] as number,
    cols[i + 8] as string,
    evidence,
    source,
  );
}

/**
 * Lite records as the native reader wrote them (META_WIDTH ints each in `meta`, their strings in
 * `out`), moved between threads as two transferred arrays instead of one string per field.
 */
export interface NativePlainCols {
  meta: Int32Array;
  out: Uint8Array;
  /** For records without a time. */
  defaultTimestamp: string;
}

/** Lite records `count` of `meta`/`out` (reused arrays) copied for transfer; `out` is used up to the last record's org. */
export function copyNativePlainCols(
  meta: Int32Array,
  out: Uint8Array,
  count: number,
  defaultTimestamp: string,
): NativePlainCols {
  // the org is the last string each record writes
  const last = (count - 1) * META_WIDTH + META.org;
  const used = count > 0 ? meta[last]! + meta[last + 1]! : 0;
  // copies (Buffer#slice would share the reused memory): these are transferred away
  return {
    meta: meta.slice(0, count * META_WIDTH),
    out: Uint8Array.prototype.slice.call(out, 0, used),
    defaultTimestamp,
  };
}

/** The host record of native plain record `i`. */
export function nativePlainColsRecord(
  bin: NativePlainCols,
  i: number,
  evidence: Evidence,
  source: ObservationSource,
): HostRecord {
  const m = bin.meta;
  const text = (slot: number): string => metaText(m, bin.out, i, slot);
  const k = i * META_WIDTH;
  return buildRecord(
    text(META.ip),
    m[k + META.port]!,
    text(META.hostname),
    text(META.timestamp) || bin.defaultTimestamp,
    text(META.country),
    text(META.region),
    text(META.city),
    m[k + META.asn]!,
    text(META.org),
    evidence,
    source,
  );
}

function buildRecord(
  ip: string,
  port: number,
  hostname: string,
  timestamp: string,
  country: string,
  region: string,
  city: string,
  asn: number,
  org: string,
  evidence: Evidence,
  source: ObservationSource,
): HostRecord {
  // properties set one by one: object spreads cost more than the rest of this function
  const record: HostRecord = {
    ip,
    port,
    source,
    timestamp,
    status: 'not-exchange',
    isExchange: false,
    suspect: false,
    evidence,
    classification: null,
  };
  if (hostname) record.hostname = hostname;
  if (country || city) {
    const geo: NonNullable<HostRecord['geo']> = { source: 'source' };
    if (country) geo.country = country;
    if (region) geo.region = region;
    if (city) geo.city = city;
    record.geo = geo;
  }
  if (asn >= 0) record.asn = org ? { number: asn, org, source: 'source' } : { number: asn, source: 'source' };
  return record;
}
