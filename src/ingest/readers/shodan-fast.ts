// Reads the few fields a not-Exchange Shodan banner contributes (address, port, time, geo, ASN)
// straight from the line's bytes, without decoding or JSON.parse. The BlockScanner finds every
// quoted key name; the JSON check (fast/json-check.ts placeKeys) says, in its one pass over the
// line, which hits are keys and where they stand. A field is read only where the full reader
// (shodan.ts) reads it: the top level, or the top-level `location` object for the geo; keys
// elsewhere are passed over. A read key met twice (at any depth), a missing field, a line that is
// not a whole object or anything unusual returns null, and the caller parses the line properly.
import type { Observation } from '../../core/observation.js';
import { parseAsn, toIsoTime } from './http-text.js';
import { canonicalIp, isIpAddress, isIsoTime, isValidAsn } from '../../core/values.js';
import type { FastPath, FastReader } from '../fast/fast-reader.js';
import { newPlainFields, plainObservation, type PlainFields } from '../fast/plain-fields.js';
import { BlockScanner, type ScanPattern } from '../fast/anchor-scan.js';
import { IN_CONTAINER, NOT_KEY, PLACED, TOP_KEY, placeKeys } from '../fast/json-check.js';

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
export const SHODAN_KEY_PATTERNS: ScanPattern[] = KEYS.map((k) => ({ text: `"${k}"`, exact: true }));

const NUMERIC: boolean[] = KEYS.map((k) => k === 'port' || k === 'asn' || k === 'timestamp');
/** The top-level key whose object holds the geo keys the full reader reads. */
const LOCATION = Buffer.from('location');
/** Keys the full reader reads in the top-level `location` object (and nowhere else); the rest it reads at the top level. */
const GEO: boolean[] = KEYS.map((k) => k === 'country_code' || k === 'city' || k === 'region_code');

/** The Shodan fast path: reads a plain banner's fields from its bytes (see the top of this file). */
export class ShodanFastReader implements FastReader {
  readonly patterns = SHODAN_KEY_PATTERNS;
  readonly native = { roles: shodanKeyRoles };
  private readonly fields = newPlainFields();
  private readonly values = new Array<string | null | undefined>(KEYS.length);
  private readonly value = new ValueReader();
  /** Where each hit of the line stands (json-check.ts placeKeys). */
  private places = new Int32Array(64);

  read(
    buf: Buffer,
    start: number,
    end: number,
    scanner: BlockScanner,
    h0: number,
    h1: number,
  ): PlainFields | null {
    while (end > start && (buf[end - 1] === 32 || buf[end - 1] === 9 || buf[end - 1] === 13)) end--;
    if (buf[start] !== 123 || buf[end - 1] !== 125) return null;
    for (let h = h0; h < h1; h++) if (scanner.hitIds[h]! >= KEYS.length) return null;
    // where each hit stands, and the bytes between the fields read: a line JSON.parse refuses goes to it, which reports it
    if (this.places.length < h1 - h0) this.places = new Int32Array(2 * (h1 - h0));
    const places = this.places;
    if (placeKeys(buf, start, end, scanner.hitStarts, h0, h1, places, LOCATION) !== PLACED) return null;
    const values = this.values;
    values.fill(undefined);
    this.value.sawNul = false;
    let portIsString = false;
    let timeIsNumber = false;
    let seen = 0;
    for (let h = h0; h < h1; h++) {
      const place = places[h - h0]!;
      if (place === NOT_KEY) continue; // in a string
      const id = scanner.hitIds[h]!;
      // a host name: the full reader takes _shodan.options.hostname only, a place unknown here
      if (id === K.hostname) return null;
      // a key twice, wherever (data aside: http.redirects[].data is common): the full reader decides
      if (id !== K.data) {
        if ((seen & (1 << id)) !== 0) return null;
        seen |= 1 << id;
      }
      // each key only where the full reader reads it: the geo in the top-level location, the rest at the top
      if (place !== (GEO[id] ? IN_CONTAINER : TOP_KEY)) continue;
      const at = scanner.hitStarts[h]!;
      let p = skipSpace(buf, at + KEYS[id]!.length + 2, end);
      p = skipSpace(buf, p + 1, end); // (after the colon)
      if (id === K.data) {
        if (buf[p] === 91) return null; // host-API record: banners in data[]
        continue;
      }
      // twice, or source claims
      if (values[id] !== undefined || id === K.product || id === K.tags) return null;
      const c = buf[p]!;
      // a city that is true, an object...: geo without a city; such a time is text: to the full reader
      if (
        (id === K.city || id === K.timestamp) &&
        !(c === 34 || c === 110 || c === 45 || (c >= 48 && c <= 57))
      )
        return null;
      if (id === K.hostnames && c !== 91) {
        values[id] = null; // no array: no host name
        continue;
      }
      if (id === K.port) portIsString = c === 34;
      if (id === K.timestamp) timeIsNumber = c !== 34 && c !== 110;
      values[id] = this.value.read(buf, p, end, id === K.hostnames);
      // the full reader takes a number only for the port, the ASN and the time: elsewhere it is no text
      if (this.value.wasNumber && !NUMERIC[id]) return null;
      // an ASN written 1e3, 25.0 or -0 is a whole number to it
      if (this.value.wasNumber && id === K.asn && !/^\d+$/.test(values[id]!)) return null;
    }
    const ip = values[K.ipv6] ?? values[K.ip_str];
    const rawPort = values[K.port];
    if (!ip || typeof rawPort !== 'string' || (portIsString && !/^\d+$/.test(rawPort.trim()))) return null;
    const port = Number(rawPort);
    if (!Number.isInteger(port) || port < 0 || port > 65535) return null;
    // a value checkObservation would change or refuse: the full parser reads it (and reports it)
    if (this.value.sawNul || !isIpAddress(ip)) return null;
    const f = this.fields;
    f.ip = canonicalIp(ip); // as checkObservation writes it
    f.port = port;
    // a UDP record is refused by checkObservation: the full parser reads it and reports it
    if (values[K.transport] === 'udp') return null;
    f.transport = 'tcp';
    f.hostname = values[K.hostnames] || '';
    // a number is seconds to the full reader; its text could read as a date ("12": 2001-12-01)
    const time = values[K.timestamp] ?? undefined;
    f.timestamp = toIsoTime(timeIsNumber && time !== undefined ? Number(time) : time);
    if (f.timestamp !== '' && !isIsoTime(f.timestamp)) return null;
    f.country = values[K.country_code] || '';
    f.region = values[K.region_code] || '';
    f.city = values[K.city] || '';
    f.asn = parseAsn(values[K.asn] ?? undefined) ?? -1;
    if (f.asn >= 0 && !isValidAsn(f.asn)) return null;
    f.org = values[K.org] || values[K.isp] || '';
    return f;
  }
}

export const shodanFastPath: FastPath = () => new ShodanFastReader();

/**
 * Pattern roles for the native reader: each key's index in KEYS, -1 for the anchors after them;
 * then the name of the object the geo keys are read in: its length, then its bytes.
 */
export function shodanKeyRoles(patterns: number): Int32Array {
  const roles = Int32Array.from({ length: patterns + 1 + LOCATION.length }, (_, id) =>
    id < KEYS.length ? id : -1,
  );
  roles[patterns] = LOCATION.length;
  roles.set(LOCATION, patterns + 1);
  return roles;
}

/** The observation the fast path reads from one line given as text, or null (tests, single records). */
let single: { reader: ShodanFastReader; scanner: BlockScanner } | undefined;
export function readShodanPlainLine(line: string): Observation | null {
  const buf = Buffer.from(line);
  single ??= { reader: new ShodanFastReader(), scanner: new BlockScanner(SHODAN_KEY_PATTERNS) };
  const hits = single.scanner.scanBlock(buf, 0, buf.length);
  const f = single.reader.read(buf, 0, buf.length, single.scanner, 0, hits);
  return f ? plainObservation(f, 'shodan') : null;
}

function skipSpace(buf: Buffer, p: number, end: number): number {
  while (p < end && (buf[p] === 32 || buf[p] === 9 || buf[p] === 10 || buf[p] === 13)) p++;
  return p;
}

/** Reads the scalar at a position: string (JSON-decoded), number text, or null; for arrays, their first string. */
class ValueReader {
  /** The value last read was a JSON number. */
  wasNumber = false;
  /** A value read since this was reset decoded to text holding U+0000. */
  sawNul = false;

  read(buf: Buffer, i: number, end: number, firstOfArray: boolean): string | null {
    this.wasNumber = false;
    if (firstOfArray && buf[i] === 91) i = skipSpace(buf, i + 1, end);
    const c = buf[i]!;
    if (c === 34) {
      const j = buf.indexOf(34, i + 1);
      if (j < 0 || j >= end) return null;
      const bs = buf.indexOf(92, i + 1);
      if (bs < 0 || bs > j) return utf8(buf, i + 1, j);
      const text = readEscaped(buf, i, end);
      if (text?.includes('\u0000')) this.sawNul = true;
      return text;
    }
    if ((c >= 48 && c <= 57) || c === 45) {
      let j = i + 1;
      while (j < end && isNumberByte(buf[j]!)) j++;
      this.wasNumber = true;
      return buf.toString('latin1', i, j);
    }
    return null;
  }
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
