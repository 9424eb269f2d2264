// Reads the few fields a not-Exchange Shodan banner contributes (address, port, time, geo, ASN)
// straight from the line's bytes, without decoding or JSON.parse. The BlockScanner finds every
// quoted key; a quoted key followed by ":" can only be a key in JSON text (quotes inside strings
// are escaped). Any field seen twice (nested), a missing one, a line that is not a whole object
// or anything unusual returns null, and the caller parses the line properly.
import type { Observation } from '../../core/observation.js';
import { parseAsn, toIsoTime } from './http-text.js';
import { BlockScanner, type ScanPattern } from '../fast/anchor-scan.js';
import { META, META_WIDTH, metaText } from '../fast/native-scan.js';

const KEYS = [
  'ip_str',
  'ipv6',
  'port',
  'timestamp',
  'transport',
  'asn',
  'org',
  'isp',
  'country_code',
  'city',
  'region_code',
  'hostnames',
  'hostname',
  'product',
  'tags',
  'data',
] as const;
type Key = (typeof KEYS)[number];
const K = Object.fromEntries(KEYS.map((k, i) => [k, i])) as Record<Key, number>;

/** The scanner patterns for the keys; their ids are 0..KEYS.length-1 (put them first). */
export const SNIFF_PATTERNS: ScanPattern[] = KEYS.map((k) => ({ text: `"${k}"`, exact: true }));

const values: Array<string | null | undefined> = new Array<string | null | undefined>(KEYS.length);
let portIsString = false;
/** Set by readValue: the value read was a JSON number. */
let readNumber = false;
const NUMERIC: boolean[] = KEYS.map((k) => k === 'port' || k === 'asn' || k === 'timestamp');

/** The fields of the last successful sniff (reused: no allocation per record). */
export interface SniffedFields {
  ip: string;
  port: number;
  transport: 'tcp' | 'udp';
  hostname: string;
  timestamp: string;
  country: string;
  region: string;
  city: string;
  /** -1 = none */
  asn: number;
  org: string;
}
export const sniffed: SniffedFields = {
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

/**
 * Reads bytes [start, end) of `buf` into `sniffed`, from the key hits h0..h1-1 `scanner` found
 * there (ids below SNIFF_PATTERNS.length are keys); false = parse the line properly.
 */
export function sniffShodanFields(
  buf: Buffer,
  start: number,
  end: number,
  scanner: BlockScanner,
  h0: number,
  h1: number,
): boolean {
  while (end > start && (buf[end - 1] === 32 || buf[end - 1] === 9 || buf[end - 1] === 13)) end--;
  if (buf[start] !== 123 || buf[end - 1] !== 125) return false;
  values.fill(undefined);
  for (let h = h0; h < h1; h++) {
    const id = scanner.hitIds[h]!;
    if (id >= KEYS.length) return false;
    const at = scanner.hitStarts[h]!;
    if (buf[at - 1] === 92) return false; // an escaped quote: a key name with a quote in it
    let p = skipSpace(buf, at + KEYS[id]!.length + 2, end);
    if (buf[p] !== 58) continue; // a string value that reads like a key name
    p = skipSpace(buf, p + 1, end);
    if (id === K.data) {
      if (buf[p] === 91) return false; // host-API record: banners in data[]
      continue;
    }
    // nested, source claims, or a host name whose place (the full reader takes _shodan.options.hostname only) is unknown here
    if (values[id] !== undefined || id === K.product || id === K.tags || id === K.hostname) return false;
    if (id === K.port) portIsString = buf[p] === 34;
    values[id] = readValue(buf, p, end, id === K.hostnames);
    // the full reader takes a number only for the port, the ASN and the time: elsewhere it is no text
    if (readNumber && !NUMERIC[id]) return false;
  }
  const ip = values[K.ipv6] ?? values[K.ip_str];
  const rawPort = values[K.port];
  if (!ip || typeof rawPort !== 'string' || (portIsString && !/^\d+$/.test(rawPort.trim()))) return false;
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return false;
  const f = sniffed;
  f.ip = ip;
  f.port = port;
  f.transport = values[K.transport] === 'udp' ? 'udp' : 'tcp';
  f.hostname = values[K.hostnames] || '';
  f.timestamp = toIsoTime(values[K.timestamp] ?? undefined);
  f.country = values[K.country_code] || '';
  f.region = values[K.region_code] || '';
  f.city = values[K.city] || '';
  f.asn = parseAsn(values[K.asn] ?? undefined) ?? -1;
  f.org = values[K.org] || values[K.isp] || '';
  return true;
}

/** The observation the last successful sniff read (properties set one by one: spreads are slow here). */
export function sniffedObservation(): Observation {
  const f = sniffed;
  const obs: Observation = {
    ip: f.ip,
    port: f.port,
    transport: f.transport,
    timestamp: f.timestamp,
    source: 'shodan',
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

/** Pattern roles for the native reader: each key's index in KEYS, -1 for the anchors after them. */
export function sniffRoles(patterns: number): Int32Array {
  return Int32Array.from({ length: patterns }, (_, id) => (id < KEYS.length ? id : -1));
}

/** Loads lite record `i` the native reader wrote (see META) into `sniffed`. */
export function loadNativeSniff(meta: Int32Array, out: Buffer, i: number): void {
  const m = i * META_WIDTH;
  const f = sniffed;
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
}

/** The observation of bytes [start, end) (see sniffShodanFields); null = parse the line properly. */
export function sniffShodanBytes(
  buf: Buffer,
  start: number,
  end: number,
  scanner: BlockScanner,
  h0: number,
  h1: number,
): Observation | null {
  return sniffShodanFields(buf, start, end, scanner, h0, h1) ? sniffedObservation() : null;
}

/** Keys-only scanner for sniffing one line given as text (tests, single records). */
let keysOnly: BlockScanner | undefined;
export function sniffShodanLine(line: string): Observation | null {
  const buf = Buffer.from(line);
  keysOnly ??= new BlockScanner(SNIFF_PATTERNS);
  const hits = keysOnly.scanBlock(buf, 0, buf.length);
  return sniffShodanBytes(buf, 0, buf.length, keysOnly, 0, hits);
}

function skipSpace(buf: Buffer, p: number, end: number): number {
  while (p < end && (buf[p] === 32 || buf[p] === 9 || buf[p] === 10 || buf[p] === 13)) p++;
  return p;
}

/** Scalar at `i`: string (JSON-decoded), number text, or null; for arrays, their first string. */
function readValue(buf: Buffer, i: number, end: number, firstOfArray: boolean): string | null {
  readNumber = false;
  if (firstOfArray && buf[i] === 91) i = skipSpace(buf, i + 1, end);
  const c = buf[i]!;
  if (c === 34) {
    const j = buf.indexOf(34, i + 1);
    if (j < 0 || j >= end) return null;
    const bs = buf.indexOf(92, i + 1);
    if (bs < 0 || bs > j) return utf8(buf, i + 1, j);
    return readEscaped(buf, i, end);
  }
  if ((c >= 48 && c <= 57) || c === 45) {
    let j = i + 1;
    while (j < end && isNumberByte(buf[j]!)) j++;
    readNumber = true;
    return buf.toString('latin1', i, j);
  }
  return null;
}

/** A string with escapes: find its real end (a quote after an even run of backslashes), then JSON-decode. */
function readEscaped(buf: Buffer, i: number, end: number): string | null {
  for (let j = i + 1; j < end; j++) {
    const b = buf[j];
    if (b === 92) j++;
    else if (b === 34) {
      try {
        return JSON.parse(buf.toString('utf8', i, j + 1)) as string;
      } catch {
        return null;
      }
    }
  }
  return null;
}

// Buffer's own slice method, without toString's argument handling (a few % of the whole run).
const utf8Slice = (Buffer.prototype as unknown as { utf8Slice?: (start: number, end: number) => string })
  .utf8Slice;
function utf8(buf: Buffer, start: number, end: number): string {
  return utf8Slice ? utf8Slice.call(buf, start, end) : buf.toString('utf8', start, end);
}

function isNumberByte(b: number): boolean {
  return (b >= 48 && b <= 57) || b === 46 || b === 101 || b === 69 || b === 43 || b === 45;
}
