// The plain-record fast readers (JavaScript: readers/shodan-fast.ts, native: native/shodan_sniff.c)
// find keys by their bytes; each must take a field only from the place the full reader
// (readers/shodan.ts) reads it: the top level, or the top-level `location` object for the geo.
// Here the keys they read sit elsewhere: only nested, nested before or after the top-level one,
// in arrays, under another top-level key, written with escapes, in strings. Every path must give
// the records (and problems) the full reader gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LINE_READ, nativeScanStatus, nativeScanner } from '../../src/ingest/fast/native-scan.js';
import { BlockScanner } from '../../src/ingest/fast/anchor-scan.js';
import {
  SHODAN_KEY_PATTERNS,
  readShodanPlainLine,
  shodanKeyRoles,
} from '../../src/ingest/readers/shodan-fast.js';
import { collectPlaces, placesFile } from './plain-places.js';

/** Lines whose read keys stand (also) where the full reader does not look. */
const PLACES = [
  '{"ip_str": "192.0.2.40", "port": 443, "x": {"asn": 25}}',
  '{"ip_str": "192.0.2.41", "port": 443, "x": {"asn": 25, "org": "Nested Org"}, "asn": 7}',
  '{"ip_str": "192.0.2.42", "port": 443, "country_code": "DE", "city": "Berlin", "region_code": "BE"}',
  '{"ip_str": "192.0.2.43", "port": 443, "opts": {"country_code": "FR", "city": "Paris"}}',
  '{"ip_str": "192.0.2.44", "port": 443, "geo": {"country_code": "US"}, "location": {"city": "Boston"}}',
  '{"ip_str": "192.0.2.45", "port": 443, "location": {"city": "Real"}, "x": {"country_code": "XX"}}',
  '{"ip_str": "192.0.2.46", "port": 443, "meta": {"location": {"city": "Deep"}}}',
  '{"ip_str": "192.0.2.47", "port": 443, "x": {"location": {"city": "Deep"}}, "location": {"country_code": "DE"}}',
  '{"ip_str": "192.0.2.48", "port": 443, "location": [{"country_code": "US", "city": "Array"}]}',
  '{"ip_str": "192.0.2.49", "port": 443, "location": {"city": "First"}, "location": {"country_code": "NL"}}',
  '{"ip_str": "192.0.2.50", "port": 443, "location": {"city": "Gone"}, "location": null}',
  '{"ip_str": "192.0.2.51", "port": 443, "http": {"location": "/"}, "x": {"city": "C"}}',
  '{"ip": 3221226036, "port": 443, "_shodan": {"ip_str": "192.0.2.99"}}',
  '{"port": 443, "opts": {"ip_str": "192.0.2.98"}, "ip_str": "192.0.2.53"}',
  '{"ip_str": "192.0.2.54", "port": 443, "opts": {"ipv6": "2001:db8::54"}}',
  '{"ip_str": "192.0.2.55", "x": {"port": 81}}',
  '{"ip_str": "192.0.2.56", "x": {"port": 81}, "port": 443}',
  '{"ip_str": "192.0.2.57", "port": 443, "a": [{"asn": 7, "org": "In Array"}]}',
  '{"ip_str": "192.0.2.58", "port": 443, "a": [[{"country_code": "ZZ"}]]}',
  '{"ip_str": "192.0.2.59", "port": 443, "x": {"transport": "udp"}}',
  '{"ip_str": "192.0.2.60", "port": 443, "x": {"hostnames": ["nested.example"]}}',
  '{"ip_str": "192.0.2.61", "port": 443, "x": {"timestamp": "2024-01-02T03:04:05"}}',
  '{"ip_str": "192.0.2.62", "port": 443, "asn": 5, "x": {"isp": "Nested ISP"}}',
  '{"ip_str": "192.0.2.63", "port": 443, "asn": 5, "isp": "Top ISP", "y": {"org": "Nested Org"}}',
  '{"ip_str": "192.0.2.64", "port": 443, "a": {"b": {"c": {"asn": 1, "port": 2}}}}',
  '{"ip_str": "192.0.2.65", "port": 443, "x": {"product": "P", "tags": ["t"], "data": [1]}}',
  '{"ip_str": "192.0.2.66", "port": 443, "note": "asn", "other": ["port", "city"], "asn": 9}',
  '{"ip_str": "192.0.2.67", "port": 443, "note": "\\"asn\\": 8", "k": "{\\"city\\": \\"Str\\"}"}',
  '{"ip_str": "192.0.2.68", "port": 443, "as\\u006e": 25}',
  '{"ip_str": "192.0.2.69", "port": 443, "location": {"cit\\u0079": "Escaped"}}',
  '{"ip_str": "192.0.2.70", "port": 443, "loc\\u0061tion": {"city": "Esc"}, "location": {}}',
  '{"ip_str": "192.0.2.71", "port": 443, "location": {}, "loc\\u0061tion": {"city": "Esc"}}',
  '{"ip_str": "192.0.2.72", "port": 443, "hostnames": "not.an.array"}',
  '{"ip_str": "192.0.2.83", "port": 443, "hostnames": ["first.example"], "_shodan": {"options": {"hostn\\u0061me": "opt.example"}}}',
  '{"ip_str": "192.0.2.84", "port": 443, "x": {"y": {"\\u0061sn": 1}}, "asn": "AS7"}',
  '{"ip_str": "192.0.2.73", "port": 443, "location": {"city": true, "country_code": null}}',
  '{"ip_str": "192.0.2.74", "port": 443, "location": {"city": {}, "region_code": "R"}}',
  '{"ip_str": "192.0.2.75", "port": 443, "asn": 1e3}',
  '{"ip_str": "192.0.2.76", "port": 443, "asn": 25.0}',
  '{"ip_str": "192.0.2.77", "port": 443, "asn": -0}',
  '{"ip_str": "192.0.2.78", "port": 443, "x": {"y": 1, "asn": 3}, "z": [{"asn": 4}], "asn": "AS6"}',
  '{"ip_str": "192.0.2.79", "port": 443, "location": {"country_code": "DE", "x": {"city": "Deeper"}}}',
  '{"ip_str": "192.0.2.80", "port": 443, "data": "", "http": {"location": "/", "redirects": [{"data": "", "location": "/a"}]}, "location": {"city": "Kept"}}',
  '{"ip_str": "192.0.2.81", "port": 443, "timestamp": 12}',
  '{"ip_str": "192.0.2.82", "port": 443, "timestamp": -5}',
];

/** The first line whose record differs between two runs, for a readable failure. */
function firstDiff(a: { hosts: string[] }, b: { hosts: string[] }): string {
  for (let i = 0; i < Math.max(a.hosts.length, b.hosts.length); i++)
    if (a.hosts[i] !== b.hosts[i]) return `record ${i}:\n  ${a.hosts[i]}\n  ${b.hosts[i]}`;
  return 'none';
}

test('the JavaScript fast reader takes each field only from its own place', async () => {
  const file = placesFile('places.jsonl', PLACES);
  const full = await collectPlaces(file, { noPrefilter: true }, true);
  const js = await collectPlaces(file, {}, true);
  assert.deepEqual(js.hosts, full.hosts, firstDiff(js, full));
  assert.deepEqual(js.problems, full.problems);
  assert.equal(js.records, full.records);
});

test('the native reader takes each field only from its own place', async (t) => {
  if (!nativeScanner()) return t.skip(`native scanner: ${nativeScanStatus()}`);
  const file = placesFile('places-native.jsonl', PLACES);
  const full = await collectPlaces(file, { noPrefilter: true }, true);
  const native = await collectPlaces(file, {}, false);
  assert.deepEqual(native.hosts, full.hosts, firstDiff(native, full));
  assert.deepEqual(native.problems, full.problems);
  assert.equal(native.records, full.records);
});

/** The lines above the fast readers still read themselves (the others they hand to the full reader). */
const READ = [40, 42, 43, 44, 45, 46, 47, 48, 51, 54, 57, 58, 59, 60, 61, 62, 63, 65, 66, 67, 72, 79, 80].map(
  (n) => `192.0.2.${n}`,
);
const ipOf = (line: string) => /"ip_str": "([^"]+)"/.exec(line)?.[1] ?? '';

test('keys that stand elsewhere are passed over: such lines stay on the fast paths', (t) => {
  const js = PLACES.filter((line) => readShodanPlainLine(line) !== null).map(ipOf);
  // a time written as a number: JavaScript reads it, the native reader leaves it to JavaScript
  assert.deepEqual(js, [...READ, '192.0.2.81', '192.0.2.82'], 'JavaScript fast reader');
  const lib = nativeScanner();
  if (!lib) return t.skip(`native scanner: ${nativeScanStatus()}`);
  const buf = Buffer.from(PLACES.join('\n') + '\n');
  const scanner = new BlockScanner(SHODAN_KEY_PATTERNS, buf);
  const r = scanner.readPlainLines(buf, 0, buf.length, shodanKeyRoles(SHODAN_KEY_PATTERNS.length))!;
  assert.equal(r.count, PLACES.length);
  const native = PLACES.filter((_, k) => r.lines[3 * k] === LINE_READ).map(ipOf);
  assert.deepEqual(native, READ, 'native reader');
});
