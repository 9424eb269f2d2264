// Generated plain banners with the keys the fast readers read moved, copied, nested, escaped or
// given odd values: the JavaScript fast reader and the native reader must give every line the
// record (or problem) the full reader gives it. EXCENSUS_FUZZ_LINES sets how many lines (default
// 3,000; the `plain-key-places` cases are in plain-key-places.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nativeScanStatus, nativeScanner } from '../../src/ingest/fast/native-scan.js';
import { generateRecord, rng } from '../../bench/gen-shodan.js';
import { collectPlaces, placesFile } from './plain-places.js';

const READ = ['ip_str', 'ipv6', 'port', 'timestamp', 'transport', 'asn', 'org', 'isp', 'hostnames'];
const GEO = ['country_code', 'city', 'region_code'];
const HOLDERS = ['x', 'opts', '_shodan', 'http', 'location', 'geo', 'ssl'];
const ODD: Record<string, string[]> = {
  city: ['true', '{}', '[]', '0', '""', 'null', '"C\\u00e9"', '["A"]'],
  asn: ['1e3', '25.0', '-0', '"AS 5"', '" as7 "', '"AS12345678901"', '7', 'true', '"x"'],
  hostnames: ['"h.example"', '[]', '[5]', '[["a"]]', '[null, "b.example"]', '{}'],
  timestamp: [
    'true',
    '1680197558',
    '{}',
    '"2024-05-01T00:00:00"',
    '"2024-02-30T00:00:00"',
    '""',
    '1.5e9',
    '12',
    '-5',
    '0',
    '2024',
  ],
  port: ['"443"', '"443.0"', '443.0', '4.43e2', '" 80 "', '-0', '70000'],
  transport: ['"udp"', '"tcp"', '5', 'null'],
  country_code: ['"DE"', '5', 'null', 'true', '""'],
  org: ['""', '5', 'true', '"O\\"rg"'],
  ip_str: ['"192.0.2.1"', '"2001:db8::1"', '""', 'null', '5'],
};

type Json = Record<string, unknown>;

export function mutatedLine(r: () => number, base: string): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const o = JSON.parse(base) as Json;
  const extra: string[] = []; // members written as text, for what objects cannot hold
  for (let n = 1 + Math.floor(r() * 3); n > 0; n--) {
    const what = r();
    const key = pick(r() < 0.7 ? READ : GEO);
    const loc = (
      o.location && typeof o.location === 'object' && !Array.isArray(o.location) ? o.location : {}
    ) as Json;
    const value = GEO.includes(key) ? loc[key] : o[key];
    const holder = pick(HOLDERS);
    if (what < 0.2) {
      // moved into another object (or out of location to the top)
      if (GEO.includes(key)) delete loc[key];
      else delete o[key];
      if (GEO.includes(key) && r() < 0.4) o[key] = value;
      else o[holder] = { ...(typeof o[holder] === 'object' && o[holder] ? o[holder] : {}), [key]: value };
    } else if (what < 0.4) {
      // copied nested, before or after the real one
      const nested = { [key]: value ?? 'v' };
      const wrapped = r() < 0.3 ? [nested] : r() < 0.2 ? { deeper: nested } : nested;
      extra.push(`${r() < 0.5 ? '<' : '>'}"${holder}2": ${JSON.stringify(wrapped)}`);
    } else if (what < 0.55) {
      // an odd value in its place
      const odd = ODD[key] ?? ['true', '{}', '5'];
      if (GEO.includes(key)) {
        o.location = loc;
        loc[key] = JSON.parse(pick(odd)) as unknown;
      } else o[key] = JSON.parse(pick(odd)) as unknown;
    } else if (what < 0.65) {
      // written with an escape (the same key to JSON.parse)
      const esc = key.replace(/[a-z]/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
      if (GEO.includes(key)) {
        delete loc[key];
        o.location = loc;
        extra.push(`<"location": {"${esc}": ${JSON.stringify(value ?? 'E')}}`);
        delete o.location;
      } else {
        delete o[key];
        extra.push(`${r() < 0.5 ? '<' : '>'}"${esc}": ${JSON.stringify(value ?? 'E')}`);
      }
    } else if (what < 0.75) {
      // the location object twice, in an array, empty, or not an object
      const form = pick(['twice', 'array', 'empty', 'null', 'string', 'nested']);
      if (form === 'twice') extra.push(`${r() < 0.5 ? '<' : '>'}"location": {"city": "Other"}`);
      else if (form === 'array') o.location = [loc];
      else if (form === 'empty') o.location = {};
      else if (form === 'null') o.location = null;
      else if (form === 'string') o.location = 'city';
      else o[holder === 'location' ? 'x' : holder] = { location: { city: 'Nested', country_code: 'ZZ' } };
    } else if (what < 0.85) {
      // strings that read like keys
      extra.push(
        `${r() < 0.5 ? '<' : '>'}"note${n}": ${JSON.stringify(pick([`"${key}"`, `"${key}": 1`, key, `{"${key}": 2}`]))}`,
      );
      extra.push(`>"list${n}": ["${key}", "${pick(GEO)}"]`);
    } else if (what < 0.92) {
      // the top level shuffled (nested copies land before or after)
      const entries = Object.entries(o);
      entries.sort(() => r() - 0.5);
      for (const k of Object.keys(o)) delete o[k];
      for (const [k, v] of entries) o[k] = v;
    } else {
      // the top-level key written twice
      extra.push(`${r() < 0.5 ? '<' : '>'}"${key}": ${JSON.stringify(value ?? 1)}`);
    }
  }
  let text = JSON.stringify(o);
  if (r() < 0.3) text = JSON.stringify(o, null, r() < 0.5 ? 1 : undefined).replace(/\n/g, ' ');
  const before = extra.filter((e) => e.startsWith('<')).map((e) => e.slice(1));
  const after = extra.filter((e) => e.startsWith('>')).map((e) => e.slice(1));
  const inner = text.slice(1, -1).trim();
  const members = [...before, ...(inner ? [inner] : []), ...after];
  return `{${members.join(', ')}}`;
}

function fuzzLines(count: number): string[] {
  const r = rng(404);
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const { line } = generateRecord(r, i);
    if (/owa|exchange/i.test(line)) continue;
    out.push(r() < 0.1 ? line : mutatedLine(r, line));
  }
  return out;
}

const COUNT = Number(process.env.EXCENSUS_FUZZ_LINES ?? 3000);

test(`fuzz: ${COUNT} banners with read keys out of place give the full reader's records on every path`, async (t) => {
  const lines = fuzzLines(COUNT);
  const file = placesFile('places-fuzz.jsonl', lines);
  const full = await collectPlaces(file, { noPrefilter: true }, true);
  const js = await collectPlaces(file, {}, true);
  const diff = (a: string[], b: string[]) => {
    const i = a.findIndex((x, k) => x !== b[k]);
    return i < 0 ? 'none' : `record ${i}:\n  ${a[i]}\n  ${b[i]}`;
  };
  assert.deepEqual(js.problems, full.problems, 'JavaScript fast reader: problems');
  assert.ok(js.hosts.length === full.hosts.length, 'JavaScript fast reader: as many records');
  assert.deepEqual(js.hosts, full.hosts, diff(js.hosts, full.hosts));
  if (!nativeScanner()) return t.skip(`native scanner: ${nativeScanStatus()}`);
  const native = await collectPlaces(file, {}, false);
  assert.deepEqual(native.problems, full.problems, 'native reader: problems');
  assert.deepEqual(native.hosts, full.hosts, diff(native.hosts, full.hosts));
});
