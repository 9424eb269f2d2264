// The one check every observation passes before it becomes a host record (and so before any
// store sees it): text without NUL (PostgreSQL text cannot hold U+0000), an ASN that fits 32
// bits, a real IP address, a time in ISO 8601. Clean values pass with a few comparisons.
import { isIP } from 'node:net';
import type { Observation } from './observation.js';
import { bigIntToIpv6, intToIpv4, ipv6ToBigInt } from './ip.js';

/** ASNs are 32-bit (RFC 6793). */
export const MAX_ASN = 4294967295;

/** What replaces U+0000 in text from outside: visible, and storable everywhere. */
const NUL_REPLACEMENT = '\uFFFD';

export function isValidAsn(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= MAX_ASN;
}

/** A dotted quad (no leading zeros), read by hand: this runs for every record. */
function isIpv4(s: string): boolean {
  const n = s.length;
  if (n < 7 || n > 15) return false;
  let parts = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || value > 255) return false;
      parts++;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return false; // a leading zero
      value = value * 10 + (c - 48);
      if (++digits > 3) return false;
    } else return false;
  }
  return parts === 4;
}

export function isIpAddress(s: string): boolean {
  return isIpv4(s) || (s.includes(':') && isIP(s) === 6);
}

/**
 * The one text of an address (valid by isIpAddress), so that one server is one key however the
 * source wrote it: IPv6 in RFC 5952 form (lower case, zeros compressed), an IPv4-mapped IPv6
 * address as its IPv4 address. IPv4 (no leading zeros: isIpAddress refuses them) is returned as is:
 * only text with a ':' costs anything.
 */
export function canonicalIp(s: string): string {
  if (!s.includes(':')) return s;
  const pct = s.indexOf('%');
  const n = ipv6ToBigInt(s);
  if (pct < 0 && n >> 32n === 0xffffn) return intToIpv4(Number(n & 0xffffffffn));
  return pct < 0 ? bigIntToIpv6(n) : bigIntToIpv6(n) + s.slice(pct);
}

/** A time as toIsoTime writes it (years past 9999 carry a sign and six digits). */
const ISO_TIME = /^(?:\d{4}|[+-]\d{6})-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$/;
export function isIsoTime(s: string): boolean {
  return ISO_TIME.test(s);
}

/** Why a UDP record is not kept (every reader and path says the same). */
export function udpSkipped(port: number): string {
  return `UDP port ${port} skipped: only TCP services are judged`;
}

/** The text with every U+0000 replaced (the same string when it has none). */
export function withoutNul(s: string): string {
  return s.indexOf('\u0000') < 0 ? s : s.replaceAll('\u0000', NUL_REPLACEMENT);
}

/**
 * Validates an observation and normalises its text in place (the address in canonicalIp's form). Returns why it cannot be kept (an
 * address that is none, a time that is none), or a note on a value dropped (an ASN out of range:
 * the record is kept without a network), or undefined when all is well. An empty time means the
 * source had none (the caller gives its default).
 */
export function checkObservation(obs: Observation): { reject: string } | { note: string } | undefined {
  if (typeof obs.ip !== 'string' || !isIpAddress(obs.ip))
    return { reject: `not an IP address: ${JSON.stringify(obs.ip)}` };
  obs.ip = canonicalIp(obs.ip);
  if (obs.timestamp !== '' && !isIsoTime(obs.timestamp))
    return { reject: `unparseable time ${JSON.stringify(obs.timestamp)}` };
  // Exchange answers on TCP; keyed ip:port, a UDP record would take the place of the TCP port's
  if (obs.transport === 'udp') return { reject: udpSkipped(obs.port) };
  if (obs.hostname !== undefined) obs.hostname = withoutNul(obs.hostname);
  const g = obs.geo;
  if (g) {
    if (g.country !== undefined) g.country = withoutNul(g.country);
    if (g.region !== undefined) g.region = withoutNul(g.region);
    if (g.city !== undefined) g.city = withoutNul(g.city);
    if (g.continent !== undefined) g.continent = withoutNul(g.continent);
  }
  const a = obs.asn;
  if (a) {
    if (a.org !== undefined) a.org = withoutNul(a.org);
    if (!isValidAsn(a.number)) {
      delete obs.asn;
      return { note: `ASN ${String(a.number)} out of range (0-${MAX_ASN}): kept without a network` };
    }
  }
  return undefined;
}
