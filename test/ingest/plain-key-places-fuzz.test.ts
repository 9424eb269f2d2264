// Generated plain banners with the keys the fast readers read moved, copied, nested, escaped or
// given odd values: the JavaScript fast reader and the native reader must give every line the
// record (or problem) the full reader gives it. EXCENSUS_FUZZ_LINES sets how many lines (default
// 3,000) and EXCENSUS_FUZZ_SEED the seed (default 404); the cases built by hand are in
// plain-key-places.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nativeScanStatus, nativeScanner } from '../../src/ingest/fast/native-scan.js';
import { generateRecord, rng } from '../../bench/gen-shodan.js';
import { collectPlaces, mutatedLine, placesFile } from './plain-places.js';

function fuzzLines(count: number): string[] {
  const r = rng(Number(process.env.EXCENSUS_FUZZ_SEED ?? 404));
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
