// Pre-filtered (not-Exchange) Shodan records cross from worker threads to the main thread as
// flat columns in one array: no per-record object graph to serialise, and the main thread builds
// each host record once, directly. Only sniffed observations (a known, small shape) go this way.
import type { HostRecord } from '../core/host-record.js';
import type { Evidence } from '../core/evidence.js';
import type { SniffedFields } from './readers/shodan-sniff.js';

/** Columns per record: ip, port, hostname, timestamp, country, region, city, asn (-1 = none), org. */
export const LITE_WIDTH = 9;

export type LiteColumns = Array<string | number>;

/** Appends sniffed fields (a Shodan banner, status ok, no HTTP; '' = absent) to the columns. */
export function pushLite(cols: LiteColumns, f: SniffedFields, timestamp: string): void {
  cols.push(f.ip, f.port, f.hostname, timestamp, f.country, f.region, f.city, f.asn, f.org);
}

/**
 * The evidence every lite record of a block shares: one frozen object instead of four per record
 * (a sink that tried to change it would throw, not corrupt its neighbours).
 */
export function sharedEmptyEvidence(template: Evidence): Evidence {
  const ev: Evidence = { ...template, suspectReasons: [], signals: [], serverNames: [] };
  Object.freeze(ev.suspectReasons);
  Object.freeze(ev.signals);
  Object.freeze(ev.serverNames);
  return Object.freeze(ev);
}

/** The host record of the lite record starting at column `i`: what notExchangeRecord gives its observation. */
export function liteRecord(cols: LiteColumns, i: number, evidence: Evidence): HostRecord {
  const hostname = cols[i + 2] as string;
  const country = cols[i + 4] as string;
  const region = cols[i + 5] as string;
  const city = cols[i + 6] as string;
  const asn = cols[i + 7] as number;
  const org = cols[i + 8] as string;
  // properties set one by one: object spreads cost more than the rest of this function
  const record: HostRecord = {
    ip: cols[i] as string,
    port: cols[i + 1] as number,
    source: 'shodan',
    timestamp: cols[i + 3] as string,
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
