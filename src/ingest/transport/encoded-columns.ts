// Slim records (IngestOptions.encodedColumns: stored, never printed) cross from worker threads as
// flat columns plus one buffer of observation bytes per block, instead of one object graph each.
// Their evidence crosses without its details (signals, names, suspect reasons), which their JSON
// holds: the receiving thread gets them back as encoded hosts, never encoded again.
// Columns cost both threads a fraction of a structured clone of the objects (docs/measurements.md).
// The receiving thread rebuilds the same host (tested field by field against the object path).
import type { HostRecord, HostStatus } from '../../core/host-record.js';
import type { Evidence, Precision } from '../../core/evidence.js';
import type { ObservationSource } from '../../core/observation.js';
import { isEncoded } from '../../store/encoded-host.js';
import type { EncodedHost, StoredHost } from '../../store/store.js';

type Value = string | number | boolean | null;

/** Columns per host (see push). */
const WIDTH = 25;

export interface EncodedCols {
  /** WIDTH values per host. */
  cols: Value[];
  /** Where each host goes among the block's hosts, in order. */
  at: number[];
  /** The hosts' observations (source lines or JSON), back to back. */
  bytes: Uint8Array;
}

/** Whether `h` can cross as columns: encoded for the store, its observation as bytes, and no field the columns lack. */
export function crossesAsColumns(h: StoredHost | EncodedHost): h is EncodedHost {
  if (!isEncoded(h)) return false;
  const r = h.record;
  return r.probes === undefined && r.classification === null && h.observation instanceof Uint8Array;
}

/**
 * Takes the crossesAsColumns hosts out of `hosts` into columns, their observation bytes copied into one
 * buffer (source lines may be views of a buffer the next read reuses). Null when there are none.
 */
export function takeEncodedCols(
  hosts: Array<StoredHost | EncodedHost>,
): { rest: Array<StoredHost | EncodedHost>; cols: EncodedCols } | null {
  const at: number[] = [];
  const rest: Array<StoredHost | EncodedHost> = [];
  let size = 0;
  hosts.forEach((h, i) => {
    if (!crossesAsColumns(h)) rest.push(h);
    else {
      at.push(i);
      size += (h.observation as Uint8Array).byteLength;
    }
  });
  if (at.length === 0) return null;
  const bytes = new Uint8Array(size);
  const cols: Value[] = [];
  let offset = 0;
  for (const i of at) {
    const h = hosts[i] as EncodedHost;
    const b = h.observation as Uint8Array;
    bytes.set(b, offset);
    offset += b.byteLength;
    push(cols, h, b.byteLength);
  }
  return { rest, cols: { cols, at, bytes } };
}

function push(cols: Value[], h: EncodedHost, length: number): void {
  const r = h.record;
  const e = r.evidence;
  const g = r.geo;
  const a = r.asn;
  cols.push(
    r.ip,
    r.port,
    r.hostname ?? null,
    r.source,
    r.timestamp,
    r.status,
    r.statusDetail ?? null,
    r.isExchange,
    r.suspect,
    e.exchange,
    e.confidence,
    e.build ?? null,
    e.precision ?? null,
    e.revisionIsLowerBound ?? null,
    g ? g.source : null,
    g?.country ?? null,
    g?.continent ?? null,
    g?.region ?? null,
    g?.city ?? null,
    a ? a.number : null,
    a?.org ?? null,
    a ? a.source : null,
    h.json,
    h.reader,
    length,
  );
}

/** The block's hosts in order again: `rest` with the column hosts put back where they were. */
export function mergeEncodedCols(
  rest: Array<StoredHost | EncodedHost>,
  cols: EncodedCols,
): Array<StoredHost | EncodedHost> {
  const out = new Array<StoredHost | EncodedHost>(rest.length + cols.at.length);
  let next = 0;
  let offset = 0;
  for (let k = 0; k < cols.at.length; k++) {
    const [host, length] = hostAt(cols, k, offset);
    offset += length;
    const i = cols.at[k]!;
    while (next + k < i) out[next + k] = rest[next++]!;
    out[i] = host;
  }
  while (next < rest.length) out[next + cols.at.length] = rest[next++]!;
  return out;
}

function hostAt(cols: EncodedCols, k: number, offset: number): [EncodedHost, number] {
  const c = cols.cols;
  const i = k * WIDTH;
  const s = (j: number): string | null => c[i + j] as string | null;
  const evidence: Evidence = {
    exchange: c[i + 9] as Evidence['exchange'],
    confidence: c[i + 10] as Evidence['confidence'],
    suspectReasons: [],
    signals: [],
    serverNames: [],
  };
  if (s(11) !== null) evidence.build = s(11)!;
  if (s(12) !== null) evidence.precision = s(12) as Precision;
  if (c[i + 13] !== null) evidence.revisionIsLowerBound = c[i + 13] as boolean;
  const record: HostRecord = {
    ip: s(0)!,
    port: c[i + 1] as number,
    source: s(3) as ObservationSource,
    timestamp: s(4)!,
    status: s(5) as HostStatus,
    isExchange: c[i + 7] as boolean,
    suspect: c[i + 8] as boolean,
    evidence,
    classification: null,
  };
  if (s(2) !== null) record.hostname = s(2)!;
  if (s(6) !== null) record.statusDetail = s(6)!;
  if (s(14) !== null) {
    const geo: NonNullable<HostRecord['geo']> = { source: s(14)! };
    if (s(15) !== null) geo.country = s(15)!;
    if (s(16) !== null) geo.continent = s(16)!;
    if (s(17) !== null) geo.region = s(17)!;
    if (s(18) !== null) geo.city = s(18)!;
    record.geo = geo;
  }
  if (s(21) !== null)
    record.asn =
      s(20) !== null
        ? { number: c[i + 19] as number, org: s(20)!, source: s(21)! }
        : { number: c[i + 19] as number, source: s(21)! };
  const length = c[i + 24] as number;
  const bytes = cols.bytes.subarray(offset, offset + length);
  // the record's evidence lacks its details, which only its JSON holds: the store never encodes it again
  return [{ record, json: s(22)!, observation: bytes, reader: s(23) }, length];
}
