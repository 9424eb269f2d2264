// The native Shodan reader (native/shodan_sniff.c) must give every line the record the JavaScript
// sniffer and the full parser give it, or hand the line back to be parsed: compared here on real
// samples, generated banners and lines built to hit each of its edge cases, in thread and in workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostRecordToWire } from '../../src/core/wire.js';
import type { IngestOptions } from '../../src/ingest/pipeline.js';
import { nativeScanStatus, nativeScanner, LINE_READ, LINE_PARSE } from '../../src/ingest/fast/native-scan.js';
import { BlockScanner } from '../../src/ingest/fast/anchor-scan.js';
import { SHODAN_KEY_PATTERNS, shodanKeyRoles } from '../../src/ingest/readers/shodan-fast.js';
import { generateRecord, rng } from '../../bench/gen-shodan.js';
import { fixtures, ingestCollected } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-native-reader-'));

/** Lines aimed at each rule of the reader; none carries an Exchange anchor. */
const TRICKY = [
  '{"ip_str": "192.0.2.1", "port": 443, "timestamp": "2024-05-01T12:34:56.123456", "location": {"country_code": "DE", "region_code": "HE", "city": "Frankfurt am Main"}, "asn": "AS3320", "org": "Deutsche Telekom AG"}',
  '{"ip_str": "192.0.2.2", "port": "8080", "timestamp": "2024-05-01T12:34:56Z", "asn": 3320, "isp": "ISP only"}',
  '{"ip_str": "192.0.2.3", "port": "443.0", "timestamp": "2024-05-01T12:34:56"}',
  '{"ip_str": "192.0.2.4", "port": " 443 ", "timestamp": "2024-05-29T12:34:56.1"}',
  '{"ip_str": "192.0.2.5", "port": 70000}',
  '{"ip_str": "192.0.2.6", "port": 443, "timestamp": 1680197558}',
  '{"ip_str": "192.0.2.7", "port": 443, "timestamp": "2024-05-01T12:34:56.123456789Z", "asn": " as64500 "}',
  '{"ip_str": "192.0.2.8", "port": 443, "timestamp": "2024-05-01T12:34:56.", "asn": "AS\u00a064500"}',
  '{"ip_str": "192.0.2.9", "ipv6": null, "port": 443, "hostnames": [], "hostname": ""}',
  '{"ip_str": "192.0.2.10", "ipv6": "2001:db8::1", "port": 443, "hostnames": ["a.example", "b.example"]}',
  '{"ip_str": "192.0.2.11", "ipv6": "", "port": 443}',
  '{"ip_str": "192.0.2.12", "port": 443, "hostname": "h.example", "hostnames": [ "other.example" ]}',
  '{"ip_str": "192.0.2.13", "port": 443, "org": "", "isp": "Fallback ISP", "transport": "udp"}',
  '{"ip_str": "192.0.2.14", "port": 443, "location": {"city": "Z\u00fcrich", "country_code": "CH"}}',
  '{"ip_str": "192.0.2.15", "port": 443, "location": {"city": "Esc\\"aped"}}',
  '{"ip_str": "192.0.2.16", "port": 443, "x": {"port": 81}}',
  '{"ip_str": "192.0.2.17", "port": 443, "tags": ["cloud"]}',
  '{"ip_str": "192.0.2.18", "port": 443, "note": "port", "other": "timestamp"}',
  '{"ip_str": "192.0.2.19", "port": 443, "data": "HTTP/1.1 200 OK\\r\\nServer: nginx\\r\\n\\r\\n"}  ',
  '{"ip_str": "192.0.2.20", "data": [{"port": 80}]}',
  '{"ip_str": "192.0.2.21", "port": 443, "asn": "AS12345678901"}',
  '{"ip_str": "192.0.2.22", "port": 443, "asn": null, "timestamp": null, "org": 5}',
  '{"ip_str": "192.0.2.23", "port": 443, "timestamp": ""}',
  '{"port": 443}',
  '{"ip_str": "192.0.2.24", "port": 443, "timestamp": "2024-02-30T00:00:00"}',
  '{"ip_str": "192.0.2.25", "port": 443, "timestamp": "2024-05-01 12:34:56"}',
  '{"ip_str": "192.0.2.26", "port": 443, "ip_str": "192.0.2.27"}',
  '{"ip_str": "192.0.2.28", "port": 443 \r',
  'not json at all',
  '',
  '{"ip_str": "192.0.2.29", "port": 443, "location": {"country_code": 7, "region_code": true}}',
  '{"ip_str": "192.0.2.30", "ipv6": 5, "port": 443, "hostnames": [7]}',
];

function corpus(): string {
  const lines = readFileSync(fixtures + 'shodan-sample.jsonl', 'utf8')
    .trim()
    .split('\n');
  const r = rng(21);
  for (let i = 0; i < 300; i++) lines.push(generateRecord(r, i).line);
  lines.push(...TRICKY);
  return lines.join('\n') + '\n';
}

const collect = (file: string, opts: Partial<IngestOptions>, noNative: boolean) =>
  ingestCollected(file, opts, noNative, (h) => hostRecordToWire(h.record));

test('the native reader gives the records the JavaScript fast reader gives, in thread and in workers', async (t) => {
  if (!nativeScanner()) return t.skip(`native scanner: ${nativeScanStatus()}`);
  const file = join(dir, 'corpus.jsonl');
  writeFileSync(file, corpus());
  // (the JavaScript fast reader is held to the full parser in fields.test.ts and pipeline.test.ts)
  const js = await collect(file, {}, true);
  const native = await collect(file, {}, false);
  const threaded = await collect(file, { workers: 2, rangeBytes: 64 * 1024 }, false);
  assert.ok(js.hosts.length > 300);
  assert.ok(js.problems.length >= 2, 'the broken lines are reported');
  assert.deepEqual(native, js, 'native reader = JavaScript fast reader');
  // and both = the full parser, record for record (pre-filtered records skip negative evidence detail)
  const full = await collect(file, { noPrefilter: true }, true);
  const strip = (h: Record<string, unknown>) =>
    h.is_exchange || h.suspect ? h : { ...h, evidence: undefined };
  assert.deepEqual(js.hosts.map(strip), full.hosts.map(strip), 'fast-read records = fully parsed records');
  assert.deepEqual(js.problems, full.problems);
  assert.deepEqual(threaded, js, 'native reader in workers = JavaScript fast reader');
  const onlyJs = await collect(file, { exchangeOnly: true }, true);
  assert.deepEqual(
    await collect(file, { exchangeOnly: true, workers: 2, rangeBytes: 64 * 1024 }, false),
    onlyJs,
    '--exchange-only in workers',
  );
});

test('the native reader takes most plain banners itself and hands the edge cases back', (t) => {
  const lib = nativeScanner();
  if (!lib) return t.skip(`native scanner: ${nativeScanStatus()}`);
  const buf = Buffer.from(corpus());
  const scanner = new BlockScanner(SHODAN_KEY_PATTERNS, buf);
  const r = scanner.readPlainLines(buf, 0, buf.length, shodanKeyRoles(SHODAN_KEY_PATTERNS.length))!;
  let read = 0;
  for (let k = 0; k < r.count; k++) if (r.lines[3 * k] === LINE_READ) read++;
  assert.equal(r.count, buf.toString().split('\n').length - 1, 'every line reported');
  assert.ok(read >= 280, `plain records read: ${read}`);
  const kindOf = (ip: string) => {
    for (let k = 0; k < r.count; k++)
      if (buf.toString('utf8', r.lines[3 * k + 1], r.lines[3 * k + 2]).includes(`"${ip}"`))
        return r.lines[3 * k];
    return -1;
  };
  assert.equal(kindOf('192.0.2.1'), LINE_READ);
  assert.equal(kindOf('192.0.2.15'), LINE_PARSE, 'an escaped string is left to JavaScript');
  assert.equal(kindOf('192.0.2.3'), LINE_PARSE, 'a port written 443.0 is left to JavaScript');
  assert.equal(kindOf('192.0.2.30'), LINE_PARSE, 'a number where text belongs is left to JavaScript');
});

test('with plain records counted, every record is either passed on or counted by country, ASN and organisation, in every mode', async () => {
  const file = join(dir, 'tally.jsonl');
  writeFileSync(file, corpus());
  const reference = await collect(file, {}, true);
  const modes: Array<[string, Partial<IngestOptions>, boolean]> = [
    ['JavaScript in thread', {}, true],
    ['JavaScript in workers', { workers: 2, rangeBytes: 64 * 1024 }, true],
    ['native in thread', {}, false],
    ['native in workers', { workers: 2, rangeBytes: 64 * 1024 }, false],
  ];
  type Wire = {
    status: string;
    geo: { country: string | null } | null;
    asn: { number: number; org: string | null } | null;
  };
  for (const [name, opts, noNative] of modes) {
    const got = await collect(file, { ...opts, tallyPlain: true }, noNative);
    // what was passed on is the reference minus the counted records, in order
    const passed = got.hosts.map((h) => JSON.stringify(h));
    const left = reference.hosts.map((h) => JSON.stringify(h));
    const skipped: Wire[] = [];
    for (const r of passed) {
      const i = left.indexOf(r);
      assert.ok(i >= 0, `${name}: a record passed on that the reference lacks: ${r}`);
      skipped.push(
        ...left
          .splice(0, i + 1)
          .slice(0, i)
          .map((x) => JSON.parse(x) as Wire),
      );
    }
    skipped.push(...left.map((x) => JSON.parse(x) as Wire));
    const counted = new Map<string, number>();
    for (const w of skipped) {
      assert.equal(w.status, 'not-exchange', `${name}: only plain records are counted`);
      const key = `${w.geo?.country}|${w.asn?.number ?? -1}|${w.asn?.org ?? ''}`;
      counted.set(key, (counted.get(key) ?? 0) + 1);
    }
    const tally = new Map<string, number>();
    for (const c of got.plain)
      tally.set(
        `${c.country}|${c.asn ?? -1}|${c.asnOrg ?? ''}`,
        (tally.get(`${c.country}|${c.asn ?? -1}|${c.asnOrg ?? ''}`) ?? 0) + c.n,
      );
    assert.deepEqual([...tally].sort(), [...counted].sort(), `${name}: counts = the records not passed on`);
    assert.ok(
      passed.length < reference.hosts.length / 2,
      `${name}: most records counted (${passed.length} passed on)`,
    );
    assert.equal(got.records, reference.records, `${name}: every record still counted in the summary`);
  }
});

test('mutated banners (stray quotes, backslashes, cut lines, odd bytes) get the same records from the native reader as from JavaScript', async (t) => {
  if (!nativeScanner()) return t.skip(`native scanner: ${nativeScanStatus()}`);
  const r = rng(77);
  const noise = [
    '"',
    '\\',
    ':',
    '{',
    '}',
    '[',
    ']',
    ',',
    ' ',
    '\u00e9',
    '\u0000',
    '\t',
    'AS',
    '9',
    '"port"',
    '"ip_str": ',
    '"timestamp": "2024-01-0',
  ];
  // a few whole records first: most mutated lines are no JSON at all, and the layout is told from the head
  const lines: string[] = [generateRecord(r, 1000).line, generateRecord(r, 1001).line];
  for (let i = 0; i < 600; i++) {
    let line = generateRecord(r, i).line;
    const cuts = 1 + Math.floor(r() * 3);
    for (let c = 0; c < cuts; c++) {
      const at = Math.floor(r() * line.length);
      const what = r();
      if (what < 0.4) line = line.slice(0, at) + noise[Math.floor(r() * noise.length)]! + line.slice(at);
      else if (what < 0.7) line = line.slice(0, at) + line.slice(at + 1 + Math.floor(r() * 20));
      else if (what < 0.8) line = line.slice(0, at);
      else
        line =
          line.slice(0, at) + line.slice(at).replace(/"(port|asn|timestamp|country_code|ip_str)"/, '"$1" ');
    }
    lines.push(line);
  }
  // Lines still valid JSON must give the same records. On broken lines both fast paths are best
  // effort (--strict parses every line): each must still account for every line, as a record or a
  // reported problem, and never crash.
  const valid = lines.filter((l) => {
    try {
      JSON.parse(l);
      return true;
    } catch {
      return false;
    }
  });
  const broken = lines.filter((l) => !valid.includes(l));
  assert.ok(valid.length > 100 && broken.length > 100, `${valid.length} valid, ${broken.length} broken`);
  const validFile = join(dir, 'mutated-valid.jsonl');
  const brokenFile = join(dir, 'mutated-broken.jsonl');
  writeFileSync(validFile, valid.join('\n') + '\n');
  writeFileSync(brokenFile, [lines[0], lines[1], ...broken].join('\n') + '\n');
  const js = await collect(validFile, { format: 'shodan' }, true);
  assert.deepEqual(await collect(validFile, { format: 'shodan' }, false), js, 'in thread');
  assert.deepEqual(
    await collect(validFile, { format: 'shodan', workers: 2, rangeBytes: 32 * 1024 }, false),
    js,
    'in workers',
  );
  // valid JSON whose address or time is none (a mutated one) is a problem, not a record
  assert.equal(js.hosts.length + js.problems.length, valid.length);
  for (const noNative of [true, false]) {
    const got = await collect(brokenFile, { format: 'shodan', workers: 2, rangeBytes: 32 * 1024 }, noNative);
    assert.equal(
      got.hosts.length + got.problems.length,
      broken.length + 2,
      `every broken line a record or a problem (${noNative ? 'JavaScript' : 'native'})`,
    );
  }
});
