// ingestFiles end to end with the real rules and knowledge base: batches, problems with line
// numbers, truncated gzip, pre-filter and worker threads giving the same records as full judging.
import { observationFromLine } from '../../src/ingest/readers/stored-line.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { hostRecordToWire } from '../../src/core/wire.js';
import { ingestFiles, type IngestOptions } from '../../src/ingest/pipeline.js';
import { isEncoded, type EncodedHost, type StoredHost } from '../../src/store/index.js';
import { generateRecord, rng } from '../../bench/gen-shodan.js';
import { fixtures, verdict } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-ingest-'));
const base: IngestOptions = { asOf: '2024-06-01', defaultTimestamp: '2024-06-01T00:00:00.000Z' };

async function collect(files: string[], opts: Partial<IngestOptions> = {}) {
  const hosts: Array<StoredHost | EncodedHost> = [];
  const summary = await ingestFiles(files, { ...base, ...opts }, async (batch) => {
    hosts.push(...batch);
  });
  return { hosts, summary };
}

function generated(n: number, seed: number): string[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => generateRecord(r, i).line);
}

test('malformed lines are counted with file and line; every valid record is kept', async () => {
  const { hosts, summary } = await collect([fixtures + 'shodan-malformed.synthetic.jsonl']);
  assert.deepEqual(
    hosts.map((h) => h.record.ip),
    ['203.0.113.30', '198.51.100.20'],
  );
  assert.deepEqual(
    summary.problems.map((p) => p.line),
    [2, 3, 4],
  );
  assert.ok(summary.problems.every((p) => p.file.endsWith('shodan-malformed.synthetic.jsonl')));
  assert.match(summary.problems[2]!.reason, /port/);
  assert.equal(summary.records, 2);
  assert.equal(summary.exchange, 1);
});

test('a truncated gzip is reported and every record before the damage is kept', async () => {
  const lines = generated(400, 7);
  const gz = gzipSync(lines.join('\n') + '\n');
  const path = join(dir, 'cut.json.gz');
  writeFileSync(path, gz.subarray(0, Math.floor(gz.length * 0.6)));
  const { hosts, summary } = await collect([path]);
  assert.ok(hosts.length > 100, `kept ${hosts.length}`);
  assert.deepEqual(
    hosts.map((h) => h.record.ip),
    lines.slice(0, hosts.length).map((l) => (JSON.parse(l) as { ip_str: string }).ip_str),
  );
  const damage = summary.problems.at(-1)!;
  assert.match(damage.reason, /truncated gzip/);
  assert.equal(summary.files[0]!.gzip, true);
  assert.ok(damage.line > hosts.length, 'damage reported after the last good line');
});

test('the pre-filter changes no verdict: same host records as judging every record', async () => {
  const path = join(dir, 'mix.jsonl');
  writeFileSync(
    path,
    generated(600, 3).join('\n') + '\n' + readFileSync(fixtures + 'shodan-sample.jsonl', 'utf8'),
  );
  const fast = await collect([path], { keepObservations: false });
  const full = await collect([path], { keepObservations: false, noPrefilter: true });
  assert.equal(fast.hosts.length, 605, 'the UDP record of the sample is a problem, not a host');
  assert.ok(fast.summary.exchange > 10, 'some Exchange records in the mix');
  assert.deepEqual(fast.hosts.map(verdict), full.hosts.map(verdict));
  for (const h of fast.hosts) if (!h.record.isExchange) assert.equal(h.record.evidence.exchange, 'no');
});

test('worker threads give the same records, in order, with file-wide line numbers', async () => {
  const lines = generated(1500, 11);
  lines.splice(1200, 0, '{"ip_str": "192.0.2.1", "port": 443, "truncated');
  const path = join(dir, 'big.jsonl');
  writeFileSync(path, lines.join('\n') + '\n'); // ~5.5 MB: several 1 MB blocks
  const inThread = await collect([path], { keepObservations: false });
  const threaded = await collect([path], { keepObservations: false, workers: 2 });
  assert.equal(threaded.hosts.length, 1500);
  assert.deepEqual(
    threaded.hosts.map((h) => hostRecordToWire(h.record)),
    inThread.hosts.map((h) => hostRecordToWire(h.record)),
  );
  assert.deepEqual(
    threaded.summary.problems.map((p) => p.line),
    [1201],
  );
  assert.deepEqual(
    inThread.summary.problems.map((p) => p.line),
    [1201],
  );
  assert.equal(threaded.summary.exchange, inThread.summary.exchange);
  // threads reading the file by small ranges: lines cut at every range edge
  const ranged = await collect([path], { keepObservations: false, workers: 2, rangeBytes: 10007 });
  assert.deepEqual(
    ranged.hosts.map((h) => hostRecordToWire(h.record)),
    inThread.hosts.map((h) => hostRecordToWire(h.record)),
  );
  assert.deepEqual(
    ranged.summary.problems.map((p) => p.line),
    [1201],
  );
});

test('exchange-only drops records without Exchange evidence but still counts them', async () => {
  const { hosts, summary } = await collect(
    [fixtures + 'shodan-exchange.synthetic.jsonl', fixtures + 'shodan-sample.jsonl'],
    { exchangeOnly: true },
  );
  assert.deepEqual(
    hosts.map((h) => h.record.ip),
    ['192.0.2.10', '198.51.100.20'],
  );
  // the sample's UDP record is skipped as a problem (core/values.ts)
  assert.equal(summary.records, 8);
  assert.deepEqual(summary.byFormat, { shodan: 8 });
  assert.match(summary.problems.map((p) => p.reason).join('\n'), /UDP port \d+ skipped/);
});

test('stdin ("-") and mixed formats in one run; observations kept for judged records', async () => {
  const stdin = Readable.from([readFileSync(fixtures + 'zgrab2-exchange.synthetic.jsonl')]);
  const { hosts, summary } = await collect(
    ['-', fixtures + 'shadowserver-scan_exchange-sample.csv', fixtures + 'masscan-oL-sample.txt'],
    { stdin },
  );
  assert.deepEqual(summary.byFormat, { zgrab2: 2, shadowserver: 7, masscan: 1 });
  assert.equal(summary.files[0]!.file, '<stdin>');
  const zg = hosts[0]!;
  assert.equal(zg.record.status, 'exchange');
  // a line format keeps the line itself, which reads again into the same observation
  const line = observationOf(zg);
  assert.ok(line?.kind === 'line' && line.reader === 'zgrab2');
  const again = observationFromLine(line, zg.record);
  assert.ok(!('error' in again) && again.source === 'zgrab2' && again.raw, 'raw record kept for re-judging');
  // a document format keeps the observation
  const shadow = observationOf(hosts.find((h) => h.record.source === 'shadowserver' && observationOf(h))!);
  assert.ok(shadow?.kind === 'object' && shadow.observation.raw, 'shadowserver rows keep their observation');
  assert.equal(hosts[1]!.record.status, 'timeout');
  assert.equal(hosts.at(-1)!.record.status, 'not-exchange', 'masscan port without HTTP');
});

test('a line is kept as the observation only when it holds no NUL byte (PostgreSQL text cannot)', async () => {
  const file = join(dir, 'masscan-nul.txt');
  const banner = (ip: string, extra: string) =>
    `banner tcp 80 ${ip} 1680197558 http HTTP/1.1 200 OK\\x0d\\x0aX-OWA-Version: 15.1.2507.6\\x0d\\x0aServer: Microsoft-IIS/10.0${extra}\\x0d\\x0a`;
  writeFileSync(file, `#masscan\n${banner('192.0.2.8', '')}\n${banner('192.0.2.9', '\u0000x')}\n# end\n`);
  const { hosts } = await collect([file]);
  const byIp = new Map(hosts.map((h) => [h.record.ip, h]));
  const kept = observationOf(byIp.get('192.0.2.8')!);
  assert.ok(kept?.kind === 'line' && kept.reader === 'masscan/list');
  const nul = byIp.get('192.0.2.9');
  assert.notEqual(nul?.record.status, 'not-exchange', 'judged in full');
  assert.equal(observationOf(nul!)?.kind, 'object', 'its observation is kept instead');
});

/** The observation reference of a host the calling thread judged (never encoded there). */
function observationOf(h: StoredHost | EncodedHost): StoredHost['observation'] {
  assert.ok(!isEncoded(h), 'the calling thread hands over hosts unencoded');
  return h.observation;
}
