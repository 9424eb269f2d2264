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

/** The host record of the lite record starting at column `i`: what notExchangeRecord gives its observation. */
export function liteRecord(cols: LiteColumns, i: number, evidence: Evidence): HostRecord {
  const hostname = cols[i + 2] as string;
  const country = cols[i + 4] as string;
  const region = cols[i + 5] as string;
  const city = cols[i + 6] as string;
  const asn = cols[i + 7] as number;
  const org = cols[i + 8] as string;
  return {
    ip: cols[i] as string,
    port: cols[i + 1] as number,
    ...(hostname ? { hostname } : {}),
    source: 'shodan',
    timestamp: cols[i + 3] as string,
    status: 'not-exchange',
    isExchange: false,
    suspect: false,
    evidence: { ...evidence, suspectReasons: [], signals: [], serverNames: [] },
    classification: null,
    ...(country || city ? { geo: { ...(country ? { country } : {}), ...(region ? { region } : {}), ...(city ? { city } : {}), source: 'source' } } : {}),
    ...(asn >= 0 ? { asn: { number: asn, ...(org ? { org } : {}), source: 'source' } } : {}),
  };
}
