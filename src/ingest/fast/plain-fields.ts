// The few fields of a plain record (a record with no Exchange marker at all), read by a reader's
// fast path straight from the record's bytes instead of parsing it: where it is, when, and its
// geo and network. Every fast path fills this one shape; the rest of ingest builds from it.
import type { Observation, ObservationSource } from '../../core/observation.js';
import { META, META_WIDTH, metaText } from './native-scan.js';
import { addTime, leftOut, type TimeSpan } from '../../core/time-span.js';

export interface PlainFields {
  ip: string;
  port: number;
  transport: 'tcp' | 'udp';
  /** '' = none, as for every text field below */
  hostname: string;
  timestamp: string;
  country: string;
  region: string;
  city: string;
  /** -1 = none */
  asn: number;
  org: string;
}

export function newPlainFields(): PlainFields {
  return {
    ip: '',
    port: 0,
    transport: 'tcp',
    hostname: '',
    timestamp: '',
    country: '',
    region: '',
    city: '',
    asn: -1,
    org: '',
  };
}

/** The observation the fields stand for: answered, with nothing in it to judge (properties set one by one: spreads are slow here). */
export function plainObservation(f: PlainFields, source: ObservationSource): Observation {
  const obs: Observation = {
    ip: f.ip,
    port: f.port,
    transport: f.transport,
    timestamp: f.timestamp,
    source,
    status: 'ok',
    http: [],
  };
  if (f.hostname) obs.hostname = f.hostname;
  if (f.country || f.city) {
    const geo: NonNullable<Observation['geo']> = { source: 'source' };
    if (f.country) geo.country = f.country;
    if (f.region) geo.region = f.region;
    if (f.city) geo.city = f.city;
    obs.geo = geo;
  }
  if (f.asn >= 0)
    obs.asn = f.org ? { number: f.asn, org: f.org, source: 'source' } : { number: f.asn, source: 'source' };
  return obs;
}

/** Loads record `i` the native reader wrote (see META) into `f`. */
export function loadNativeFields(meta: Int32Array, out: Uint8Array, i: number, f: PlainFields): PlainFields {
  const m = i * META_WIDTH;
  f.port = meta[m + META.port]!;
  f.asn = meta[m + META.asn]!;
  f.transport = meta[m + META.udp] === 1 ? 'udp' : 'tcp';
  f.ip = metaText(meta, out, i, META.ip);
  f.hostname = metaText(meta, out, i, META.hostname);
  f.timestamp = metaText(meta, out, i, META.timestamp);
  f.country = metaText(meta, out, i, META.country);
  f.region = metaText(meta, out, i, META.region);
  f.city = metaText(meta, out, i, META.city);
  f.org = metaText(meta, out, i, META.org);
  return f;
}

/**
 * Widens `span` by the times of native plain records 0..count-1: compared as bytes where the
 * reader wrote them, so only the block's earliest and latest become strings. A time that would
 * become the earliest or latest is first checked against the span's bounds (every time outside
 * them is such a candidate, so each is counted).
 */
export function addNativeTimes(span: TimeSpan, meta: Int32Array, out: Uint8Array, count: number): void {
  let lo = -1;
  let hi = -1;
  const b = span.bounds;
  // compared as bytes first: the text is made only for a time that is out of bounds
  const inBounds = (i: number): boolean =>
    !b ||
    (compareSlotText(meta, out, i, b.notBefore) >= 0 && compareSlotText(meta, out, i, b.notAfter) <= 0) ||
    !leftOut(span, metaText(meta, out, i, META.timestamp));
  for (let i = 0; i < count; i++) {
    if (meta[i * META_WIDTH + META.timestamp + 1] === 0) continue;
    const low = lo < 0 || compareSlots(meta, out, i, lo) < 0;
    const high = hi < 0 || compareSlots(meta, out, i, hi) > 0;
    if ((low || high) && !inBounds(i)) continue;
    if (low) lo = i;
    if (high) hi = i;
  }
  if (lo < 0) return;
  addTime(span, metaText(meta, out, lo, META.timestamp));
  addTime(span, metaText(meta, out, hi, META.timestamp));
}

function compareSlots(meta: Int32Array, out: Uint8Array, i: number, j: number): number {
  const a = meta[i * META_WIDTH + META.timestamp]!;
  const la = meta[i * META_WIDTH + META.timestamp + 1]!;
  const b = meta[j * META_WIDTH + META.timestamp]!;
  const lb = meta[j * META_WIDTH + META.timestamp + 1]!;
  const n = Math.min(la, lb);
  for (let k = 0; k < n; k++) {
    const d = out[a + k]! - out[b + k]!;
    if (d !== 0) return d;
  }
  return la - lb;
}

/** Record `i`'s time against an ASCII text, as bytes. */
function compareSlotText(meta: Int32Array, out: Uint8Array, i: number, text: string): number {
  const a = meta[i * META_WIDTH + META.timestamp]!;
  const la = meta[i * META_WIDTH + META.timestamp + 1]!;
  const n = Math.min(la, text.length);
  for (let k = 0; k < n; k++) {
    const d = out[a + k]! - text.charCodeAt(k);
    if (d !== 0) return d;
  }
  return la - text.length;
}
