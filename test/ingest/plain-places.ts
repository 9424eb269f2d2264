// Shared by the plain-key-places tests: a file of plain Shodan lines and its records on one path,
// and a banner with the keys the fast readers read moved, copied, nested, escaped or made odd.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostRecordToWire } from '../../src/core/wire.js';
import type { IngestOptions } from '../../src/ingest/pipeline.js';
import { generateRecord, rng } from '../../bench/gen-shodan.js';
import { ingestCollected } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-plain-keys-'));

/** Host records (wire form, evidence of plain records left out), problems and the record count. */
export const collectPlaces = (file: string, opts: Partial<IngestOptions>, noNative: boolean) =>
  ingestCollected(file, { format: 'shodan', maxProblems: 100_000, ...opts }, noNative, (h) => {
    const w = hostRecordToWire(h.record);
    return JSON.stringify(w.is_exchange || w.suspect ? w : { ...w, evidence: undefined });
  });

/** Two whole generated banners first (they fix the format), then the lines, each followed by a whole one. */
export function placesFile(name: string, lines: string[]): string {
  const r = rng(5);
  const whole: string[] = [];
  for (let i = 0; whole.length < 4; i++) {
    const { line } = generateRecord(r, i);
    if (!/owa|exchange/i.test(line)) whole.push(line);
  }
  const out = [whole[0]!, whole[1]!];
  lines.forEach((l, i) => out.push(l, whole[i % whole.length]!));
  const file = join(dir, name);
  writeFileSync(file, out.join('\n') + '\n');
  return file;
}

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

/** A generated banner (`base`) with one to three of its read keys out of place or odd. */
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
