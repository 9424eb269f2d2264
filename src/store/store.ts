// The Store contract: one interface, a SQLite adapter (embedded default) and a PostgreSQL
// adapter, both checked by one conformance suite (test/store/conformance.ts).
import type { HostRecord } from '../core/host-record.js';
import type { Observation } from '../core/observation.js';
import type { PlainCount } from '../core/plain-count.js';
import type { ObservedWindow } from '../core/time-span.js';

export type { ObservedWindow } from '../core/time-span.js';

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
  /** From the records' own times (or --observed-at); null when none carried a time. */
  observed: ObservedWindow | null;
  /** Counts as of the last write: all records, on-premises Exchange, suspects. */
  counts: { hosts: number; exchange: number; suspect: number };
}

/** What a host record was judged from, as the store may keep it for `reclassify`: one of three forms. */
export type ObservationRef =
  /** The observation itself (live probes, stream formats). */
  | { kind: 'object'; observation: Observation }
  /** The observation already as JSON text or its UTF-8 bytes (encoded on another thread). */
  | { kind: 'json'; json: string | Uint8Array }
  /** The source line it was read from, and the reader that reads it again (ingest/stored-line.ts). */
  | { kind: 'line'; reader: string; text: string | Uint8Array };

/** A host record as it goes into the store and comes out of it: the record and at most one reference to its observation. */
export interface StoredHost {
  record: HostRecord;
  /** Kept so `reclassify` can re-judge without re-scanning; absent for records with nothing to re-judge. */
  observation?: ObservationRef;
}

/**
 * A host encoded the way the store keeps it, ready for a batch; made only by encodeHost
 * (./encoded-host.ts), which ingest worker threads call to encode in parallel.
 */
export interface EncodedHost {
  readonly record: HostRecord;
  /** hostRecordRestToWire(record): the record without its row's fields and its classification's. */
  readonly json: string;
  /** JSON text, its UTF-8 bytes, or the source line (then `reader` is set); null: nothing to re-judge. */
  readonly observation: string | Uint8Array | null;
  /** The reader of a source line (StoredHost's 'line' reference); null otherwise. */
  readonly reader: string | null;
}

/** Dimensions a census can be grouped by. 'family' puts a host once under each CVE family it is open to. */
export type GroupKey =
  | 'continent'
  | 'country'
  | 'asn'
  | 'product'
  | 'release'
  | 'eol'
  | 'family'
  | 'status'
  /** ip:port records instead of servers: a record per port (counted records have no port). */
  | 'port'
  /** The front publishing the server (its product, 'proxy' when unnamed, 'none'). */
  | 'fronted'
  /** The Windows release from NTLM host info, marked '(unsupported)' when past its end of support on asOf. */
  | 'windows';

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
  /** Products whose CVEs the knowledge base does not judge (the caller's KB names them); given,
   *  each row carries `notAssessed`. */
  notAssessed?: readonly string[];
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
  /** Of `exchange`, servers of a product in the query's `notAssessed` list: their family counts are
   *  0 because nobody judged them, not because they are clean. Set only when the query gave the list. */
  notAssessed?: number;
  /** When grouped by 'asn': the network's organisation name, if any record carried it. */
  asnOrg?: string | null;
}

export interface HostFilter extends CensusFilter {
  /** Only records of on-premises Exchange servers, as the census counts them: none of an address with a suspect record (default false: every record). */
  exchangeOnly?: boolean;
  /** Needed with `eol`: EOL is judged from each record's eol_date against this date. */
  asOf?: string;
  /** With `family`: only hosts with that verdict for it (default: either). */
  familyVerdict?: 'vulnerable' | 'likely';
}

/** Columns the host table sorts by. */
export type HostSortKey =
  | 'ip'
  | 'port'
  | 'hostname'
  | 'product'
  | 'release'
  | 'eol_date'
  | 'country'
  | 'asn'
  | 'observed_at'
  | 'status';

export interface HostPageQuery {
  scanId: number;
  filter: HostFilter;
  sort: HostSortKey;
  desc: boolean;
  limit: number;
  offset: number;
  /** The filter's total, when the caller already knows it (the count is then not run again). */
  knownTotal?: number;
}

/** A host as a row of the host table: its columns only, families by name. */
export interface HostRow {
  ip: string;
  port: number;
  hostname: string | null;
  source: string;
  observedAt: string;
  status: string;
  isExchange: boolean;
  suspect: boolean;
  product: string | null;
  release: string | null;
  build: string | null;
  eolDate: string | null;
  continent: string | null;
  country: string | null;
  asn: number | null;
  asnOrg: string | null;
  vulnerable: string[];
  likely: string[];
  /** What the fingerprint concluded (yes, no, suspect) and how sure. */
  evidence: string | null;
  confidence: string | null;
}

export interface HostPage {
  /** Rows the filter keeps (all pages). */
  total: number;
  rows: HostRow[];
}

export type { PlainCount } from '../core/plain-count.js';

/** Records gathered for one addBatch: each is encoded as it is added, so callers need not keep it. */
export interface HostBatch {
  /** A host as handed over, or one encodeHost (./encoded-host.ts) already encoded on another thread. */
  add(h: StoredHost | EncodedHost): void;
  /** Adds records kept as a count. */
  addPlain(c: PlainCount): void;
  /** Records added (not counting those added as counts). */
  readonly size: number;
  /** Records added as counts. */
  readonly counted: number;
  /** Of those, records carrying an observation (the batch's memory is mostly theirs). */
  readonly observations: number;
}

/**
 * A writer's claim on a scan while it writes it, so two writers never write one scan at once. `part`
 * ('' or absent = the whole scan) lets writers of parts (shards) hold a lease each.
 */
export interface LeaseClaim {
  scanId: number;
  part?: string;
  /** Who writes: host, process and a random tag (see run/lease.ts). */
  writer: string;
  /** The claim lapses this long after the last heartbeat. */
  ttlMs: number;
  /** Epoch ms (default: now). */
  now?: number;
  /** A writer known to be gone (its process ended): its lease is taken even before it lapses. */
  replaces?: string;
}

/** Taken (or renewed), or held by another writer whose claim has not lapsed. */
export type LeaseResult =
  { held: true } | { held: false; writer: string; heartbeatAt: number; expiresAt: number };

/** A record the database refused (a constraint, a trigger, a value it cannot hold); the rest of its batch was stored. */
export interface RefusedRecord {
  /** Its place among the records added to the batch (addHosts: its index); null for a row of counted records. */
  at: number | null;
  ip: string | null;
  port: number | null;
  /** Records it stands for: 1, or a counted row's number. */
  records: number;
  /** The database's message. */
  reason: string;
}

export interface Store {
  createScan(meta: ScanMeta): Promise<number>;
  /**
   * Writes one batch in one transaction. Re-writing the same (scan, ip, port) replaces it: no duplicates
   * after a resume. When the database refuses the batch for a record, the batch is written again in
   * parts: the records it refuses on their own are returned, the rest is stored.
   */
  addHosts(scanId: number, hosts: Array<StoredHost | EncodedHost>): Promise<RefusedRecord[]>;
  /** An empty batch for addBatch. */
  newBatch(): HostBatch;
  /** addHosts for a batch newBatch gave. */
  addBatch(scanId: number, batch: HostBatch): Promise<RefusedRecord[]>;
  finishScan(scanId: number, state: Exclude<ScanState, 'running'>): Promise<void>;
  /** Records when the scan's data was observed (null: unknown); scans are ordered by it. */
  setObservedWindow(scanId: number, window: ObservedWindow | null): Promise<void>;
  /** Deletes a scan that holds no records (a failed ingest or scan); false if it holds any. */
  dropEmptyScan(scanId: number): Promise<boolean>;
  /** Replaces a scan's options (reclassify records the knowledge base and date it judged with). */
  setScanOptions(scanId: number, options: Record<string, unknown>): Promise<void>;
  /** Forgets a scan's counted records (an ingest resumed from the start counts them again). */
  resetPlainCounts(scanId: number): Promise<void>;
  /** Oldest first by the date of their data (observed window's end, else started_at). */
  listScans(): Promise<ScanInfo[]>;
  /** By numeric id or by name (a string of digits that names no scan is taken as an id). */
  getScan(ref: number | string): Promise<ScanInfo | null>;
  /** The complete scan with the newest data (observed window's end, else started_at), optionally of one series. */
  latestScan(series?: string): Promise<ScanInfo | null>;
  /** Takes the lease of a scan (or part) when it is free, lapsed or already the writer's. */
  acquireLease(claim: LeaseClaim): Promise<LeaseResult>;
  /** A heartbeat: false when the writer no longer holds the lease (it lapsed and another took it). */
  renewLease(claim: LeaseClaim): Promise<boolean>;
  releaseLease(claim: Pick<LeaseClaim, 'scanId' | 'part' | 'writer'>): Promise<void>;
  /** "ip:port" keys already stored for a scan (for --resume). */
  doneTargets(scanId: number): Promise<Set<string>>;
  /** Streams a scan's hosts in (ip, port) order, ip compared as a plain string, so two scans can be merge-joined. */
  iterateHosts(scanId: number, filter?: HostFilter): AsyncIterable<StoredHost>;
  /** One page of a scan's stored records (counted records have no row), sorted, with the filter's total. */
  hostPage(q: HostPageQuery): Promise<HostPage>;
  /** One stored record of a scan by address and port. */
  getHost(scanId: number, ip: string, port: number): Promise<StoredHost | null>;
  census(q: CensusQuery): Promise<CensusRow[]>;
  /** CVE families the store has seen, in the order the census reports them. */
  families(): Promise<string[]>;
  close(): Promise<void>;
}
