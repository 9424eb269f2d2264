// Where an Exchange record's CPU goes: the records of a file that the pre-filter passes (those with
// an anchor), taken through each step of the ingest path on one thread, step by step over chunks
// of records so that each step's CPU time is read with process.cpuUsage between chunks:
//   parse       the line to an observation as ingest reads it: its native skeleton (the keys the
//               mapper reads) and the mapping where the reader has one, else parseLine (JSON.parse)
//   fingerprint the rules over the observation (evidence)
//   classify    the build's verdict (classifyEvidence: one per build and date, then shared)
//   encode      encodeHost: the record's JSON and its source line, as the store keeps them
// The store's own share is measured by bench/exchange.ts (CPU of ingest into SQLite minus --no-store).
// Usage: node --import tsx bench/stages.ts FILE [maxRecords=20000]  -> one JSON line on stdout
import { readFileSync } from 'node:fs';
import { detectFormat } from '../src/ingest/detect.js';
import { readerFor } from '../src/ingest/readers/index.js';
import { anchorCores } from '../src/ingest/fast/prefilter.js';
import { SkeletonReader } from '../src/ingest/fast/skeleton-reader.js';
import { loadRules, ruleAnchors, fingerprint } from '../src/fingerprint/index.js';
import { loadKnowledgeBase } from '../src/kb/load.js';
import { classifyEvidence, judgeObservation } from '../src/classify/judge.js';
import { encodeHost } from '../src/store/encoded-host.js';
import type { Observation } from '../src/core/observation.js';
import type { HostRecord } from '../src/core/host-record.js';

const [file, maxArg = '20000'] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: stages.ts FILE [maxRecords]\n');
  process.exit(2);
}
const asOf = '2024-06-01';
const rules = loadRules();
const kb = loadKnowledgeBase();
const cores = anchorCores(ruleAnchors(rules)) ?? [];
const text = readFileSync(file, 'utf8');
const detected = detectFormat(Buffer.from(text.slice(0, 65536)), file);
const reader = readerFor(detected);
if (reader.kind !== 'lines') throw new Error('stages: a line format is needed');
// as RecordProcessor.addParsed reads a line (null without the native addon: JSON.parse)
const skeleton = reader.skeleton ? SkeletonReader.create(reader.skeleton.tree) : null;
const parse = (l: string, bytes: Buffer): ReturnType<typeof reader.parseLine> => {
  const value = skeleton?.read(bytes, 0, bytes.length);
  return value ? reader.skeleton!.map(value) : reader.parseLine(l);
};

// the lines the pre-filter passes (case-insensitive, "_" as "-"), at most maxRecords of them
const lines: string[] = [];
let all = 0;
let anchored = 0;
for (const line of text.split('\n')) {
  if (line === '') continue;
  all++;
  const low = line.toLowerCase().replaceAll('_', '-');
  if (!cores.some((c) => low.includes(c))) continue;
  anchored++;
  if (lines.length < Number(maxArg)) lines.push(line);
}

const cpu = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const spent = { parse: 0, fingerprint: 0, classify: 0, encode: 0 };
const CHUNK = 500;
let exchange = 0;
for (let round = 0; round < 2; round++) {
  // round 0 warms the code up; round 1 is measured
  const add = round === 1;
  for (let at = 0; at < lines.length; at += CHUNK) {
    const chunk = lines.slice(at, at + CHUNK);
    const bytes = chunk.map((l) => Buffer.from(l)); // ingest reads lines from blocks of bytes
    let t = cpu();
    const obs: Observation[] = [];
    for (let k = 0; k < chunk.length; k++) {
      const r = parse(chunk[k]!, bytes[k]!);
      if (Array.isArray(r)) obs.push(...r);
    }
    let now = cpu();
    if (add) spent.parse += now - t;
    t = now;
    const evs = obs.map((o) => fingerprint(o, rules));
    now = cpu();
    if (add) spent.fingerprint += now - t;
    t = now;
    for (const ev of evs) classifyEvidence(ev, { kb, asOf });
    now = cpu();
    if (add) spent.classify += now - t;
    // the records to encode, built outside the measured steps
    const recs: HostRecord[] = obs.map((o) => judgeObservation(o, { rules, kb, asOf }));
    t = cpu();
    for (let k = 0; k < recs.length; k++)
      encodeHost({ record: recs[k]!, observation: { kind: 'line', reader: 'shodan', text: chunk[k] ?? '' } });
    now = cpu();
    if (add) spent.encode += now - t;
    if (add) for (const r of recs) if (r.isExchange) exchange++;
  }
}
const per = (us: number): number => (lines.length ? us / lines.length : 0);
process.stdout.write(
  JSON.stringify({
    records: all,
    anchored,
    judged: lines.length,
    exchange,
    skeleton: skeleton !== null,
    usPerRecord: {
      parse: per(spent.parse),
      fingerprint: per(spent.fingerprint),
      classify: per(spent.classify),
      encode: per(spent.encode),
    },
  }) + '\n',
);
