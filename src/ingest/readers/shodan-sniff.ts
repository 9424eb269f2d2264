// Reads the few fields a not-Exchange Shodan banner contributes (address, port, time, geo, ASN)
// without JSON.parse. A quoted key can only be a key in JSON text (quotes inside strings are
// escaped), so one regex pass finds them; any field seen twice (nested) or missing, or a line
// that is not a whole object, returns null and the caller parses the line properly.
import type { Observation } from '../../core/observation.js';
import { parseAsn, toIsoTime } from '../http-text.js';

const KEYS = /"(ip_str|ipv6|port|timestamp|transport|asn|org|country_code|city|region_code|hostnames|hostname|product|tags|data)"\s*:\s*/g;

export function sniffShodanLine(line: string): Observation | null {
  const t = line.trimEnd();
  if (t.charCodeAt(0) !== 123 || t.charCodeAt(t.length - 1) !== 125) return null;
  const seen: Record<string, string | null> = {};
  KEYS.lastIndex = 0;
  for (let m = KEYS.exec(t); m; m = KEYS.exec(t)) {
    const key = m[1]!;
    if (key === 'data') {
      if (t.charCodeAt(KEYS.lastIndex) === 91) return null; // host-API record: banners in data[]
      continue;
    }
    if (key in seen) return null;
    if (key === 'product' || key === 'tags') return null; // source claims: judge properly
    seen[key] = readValue(t, KEYS.lastIndex, key === 'hostnames');
  }
  const ip = seen.ipv6 ?? seen.ip_str;
  const port = Number(seen.port);
  if (!ip || !Number.isInteger(port) || port < 0 || port > 65535) return null;
  const obs: Observation = {
    ip,
    port,
    transport: seen.transport === 'udp' ? 'udp' : 'tcp',
    ...(seen.hostname ?? seen.hostnames ? { hostname: (seen.hostname ?? seen.hostnames)! } : {}),
    timestamp: toIsoTime(seen.timestamp),
    source: 'shodan',
    status: 'ok',
    http: [],
  };
  if (seen.country_code || seen.city) {
    obs.geo = {
      ...(seen.country_code ? { country: seen.country_code } : {}),
      ...(seen.region_code ? { region: seen.region_code } : {}),
      ...(seen.city ? { city: seen.city } : {}),
      source: 'source',
    };
  }
  const asn = parseAsn(seen.asn);
  if (asn !== undefined) obs.asn = { number: asn, ...(seen.org ? { org: seen.org } : {}), source: 'source' };
  return obs;
}

/** Scalar at `i`: string (JSON-decoded), number, or null; for arrays, their first string. */
function readValue(s: string, i: number, firstOfArray: boolean): string | null {
  if (firstOfArray && s[i] === '[') {
    i++;
    while (s[i] === ' ') i++;
  }
  const c = s.charCodeAt(i);
  if (c === 34) {
    let j = i + 1;
    let escaped = false;
    for (;;) {
      j = s.indexOf('"', j);
      if (j < 0) return null;
      let k = j - 1;
      let backslashes = 0;
      while (s.charCodeAt(k) === 92) {
        backslashes++;
        k--;
      }
      if (backslashes % 2 === 0) break;
      escaped = true;
      j++;
    }
    const raw = s.slice(i + 1, j);
    if (!escaped && !raw.includes('\\')) return raw;
    try {
      return JSON.parse(s.slice(i, j + 1)) as string;
    } catch {
      return null;
    }
  }
  if ((c >= 48 && c <= 57) || c === 45) {
    let j = i + 1;
    while (j < s.length && /[0-9.eE+-]/.test(s[j]!)) j++;
    return s.slice(i, j);
  }
  return null;
}
