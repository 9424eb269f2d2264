// The Store contract: one interface, a SQLite adapter (embedded default) and a PostgreSQL
// adapter, both checked by one conformance suite (test/store/conformance.ts).
import type { HostRecord } from '../core/host-record.js';
import type { Observation } from '../core/observation.js';

export interface ScanMeta {
  /** Human name, unique per store, e.g. "lab-2026-11-23T16:40" or a user's --name. */
  name: string;
  kind: 'scan' | 'ingest';
  /** 'probe', 'shodan', ... or 'mixed'. */
  source: string;
  /** Scans of one series are compared by trends (same targets or same source). */
  series: string;
  startedAt: string; // ISO 8601
  /** Targets given to `scan`, or input files given to `ingest`. */
  inputs: string[];
  options: Record<string, unknown>;
}

export type ScanState = 'running' | 'complete' | 'interrupted';

export interface ScanInfo extends ScanMeta {
  id: number;
  finishedAt: string | null;
  state: ScanState;
  /** Counts as of the last write: all records, on-premises Exchange, suspects. */
  counts: { hosts: number; exchange: number; suspect: number };
}

export interface StoredHost {
  record: HostRecord;
  /** Kept so `reclassify` can re-judge without re-scanning. */
  observation?: Observation;
  /**
   * The observation already as JSON, as text or UTF-8 bytes (ingest worker threads encode it in
   * parallel and transfer the bytes: no copy between threads, no large strings for the GC); stored as is.
   */
  observationJson?: string | Uint8Array;
  /**
   * Instead of the observation: the source line it was read from, as text or UTF-8 bytes, and the
   * reader that reads it again (ingest of line formats; see ingest/stored-line.ts). Stored as is.
   */
  observationLine?: ObservationLine;
  /**
   * The record as the store keeps it (hostRecordToWire(record, false)), when the thread that judged
   * it encoded it already (ingest worker threads). Whoever changes the record drops it.
   */
  recordJson?: string;
  /** The record's evidence lacks its details, which only `recordJson` holds (IngestOptions.slimRecords): it cannot be encoded again. */
  recordSlim?: true;
}

export interface ObservationLine {
  reader: string;
  text: string | Uint8Array;
}

/** Dimensions a census can be grouped by. 'family' puts a host once under each CVE family it is open to. */
export type GroupKey = 'continent' | 'country' | 'asn' | 'product' | 'release' | 'eol' | 'family' | 'status';

export interface CensusFilter {
  product?: string[];
  eol?: boolean;
  family?: string[];
  country?: string[];
  continent?: string[];
  asn?: number[];
  status?: string[];
}

export interface CensusQuery {
  scanId: number;
  groupBy: GroupKey[];
  filter?: CensusFilter;
  /** EOL is judged against this date (YYYY-MM-DD), from each record's stored eol_date. */
  asOf: string;
}

export interface CensusRow {
  /** One entry per groupBy key, e.g. { continent: 'EU', country: 'DE' }. */
  group: Partial<Record<GroupKey, string | number | boolean | null>>;
  /** Every record in the group, whatever its status. */
  hosts: number;
  /** On-premises Exchange servers (suspects and Exchange Online excluded). */
  exchange: number;
  suspect: number;
  /** Of `exchange`, past end of support on asOf. */
  eol: number;
  /** CVE family -> number of `exchange` servers with at least one CVE of that family in that status. */
  vulnerable: Record<string, number>;
  likely: Record<string, number>;
  /** When grouped by 'asn': the network's organisation name, if any record carried it. */
  asnOrg?: string | null;
}

export interface HostFilter extends CensusFilter {
  /** Only on-premises Exchange (default false: every record). */
  exchangeOnly?: boolean;
  /** Needed with `eol`: EOL is judged from each record's eol_date against this date. */
  asOf?: string;
}

/**
 * Records kept as a count rather than a row each: ingested records with no Exchange marker at all,
 * whose source gave their country and ASN. They count in every census (status "not-exchange")
 * but are not listed one by one (iterateHosts, diff, host exports).
 */
export interface PlainCount {
  source: string;
  country: string;
  continent: string | null;
  asn: number | null;
  asnOrg: string | null;
  n: number;
}

/** Records gathered for one addBatch: each is encoded as it is added, so callers need not keep it. */
export interface HostBatch {
  add(h: StoredHost): void;
  /** Adds records kept as a count. */
  addPlain(c: PlainCount): void;
  /** Records added (not counting those added as counts). */
  readonly size: number;
  /** Records added as counts. */
  readonly counted: number;
  /** Of those, records carrying an observation (the batch's memory is mostly theirs). */
  readonly observations: number;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  createScan(meta: ScanMeta): Promise<number>;
  /** Writes one batch in one transaction. Re-writing the same (scan, ip, port) replaces it: no duplicates after a resume. */
  addHosts(scanId: number, hosts: StoredHost[]): Promise<void>;
  /** An empty batch for addBatch. */
  newBatch(): HostBatch;
  /** addHosts for a batch newBatch gave. */
  addBatch(scanId: number, batch: HostBatch): Promise<void>;
  finishScan(scanId: number, state: Exclude<ScanState, 'running'>): Promise<void>;
  /** Forgets a scan's counted records (an ingest resumed from the start counts them again). */
  resetPlainCounts(scanId: number): Promise<void>;
  listScans(): Promise<ScanInfo[]>;
  /** By numeric id or by name (a string of digits that names no scan is taken as an id). */
  getScan(ref: number | string): Promise<ScanInfo | null>;
  /** The most recently started scan, optionally of one series. */
  latestScan(series?: string): Promise<ScanInfo | null>;
  /** "ip:port" keys already stored for a scan (for --resume). */
  doneTargets(scanId: number): Promise<Set<string>>;
  /** Streams a scan's hosts in (ip, port) order, ip compared as a plain string, so two scans can be merge-joined. */
  iterateHosts(scanId: number, filter?: HostFilter): AsyncIterable<StoredHost>;
  census(q: CensusQuery): Promise<CensusRow[]>;
  /** CVE families the store has seen, in the order the census reports them. */
  families(): Promise<string[]>;
  close(): Promise<void>;
}
