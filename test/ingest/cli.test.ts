// `excensus ingest` wiring: JSON Lines out, summaries and problems on stderr, exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { fixtures } from './helpers.js';

const asOf = ['--as-of', '2024-06-01', '--no-store']; // store wiring has its own test (test/cli/ingest-store.test.ts)

test('--json writes one snake_case host record per observation and a JSON summary on stderr', async () => {
  const r = await runCli([
    'ingest',
    fixtures + 'shodan-exchange.synthetic.jsonl',
    fixtures + 'nmap-exchange.synthetic.xml',
    '--json',
    ...asOf,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(rows.length, 6);
  const first = rows[0]!;
  assert.equal(first.schema_version, 1);
  assert.equal(first.ip, '192.0.2.10');
  assert.equal(first.is_exchange, true);
  assert.equal(first.build, '15.1.2507.6');
  assert.equal(first.source, 'shodan');
  assert.deepEqual((first.geo as Record<string, unknown>).country, 'DE');
  assert.deepEqual((first.asn as Record<string, unknown>).number, 3320);
  assert.equal(rows[2]!.status, 'not-exchange');
  const summary = (JSON.parse(r.stderr.trim().split('\n').at(-1)!) as { summary: Record<string, unknown> })
    .summary;
  assert.equal(summary.records, 6);
  assert.equal(summary.exchange, 4);
  assert.deepEqual(summary.by_format, { shodan: 3, nmap: 3 });
});

test('problems go to stderr with file:line; the run goes on and exits 0', async () => {
  const r = await runCli(['ingest', fixtures + 'shodan-malformed.synthetic.jsonl', ...asOf]);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /shodan-malformed\.synthetic\.jsonl:2: invalid JSON/);
  assert.match(r.stderr, /shodan-malformed\.synthetic\.jsonl:3: invalid JSON/);
  assert.match(r.stderr, /2 records .* 3 problems/);
  assert.equal(r.stdout.trim().split('\n').length, 2);
});

test('stdin, -o FILE and --exchange-only', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'excensus-cli-')), 'hosts.jsonl');
  const stdin = readFileSync(fixtures + 'shodan-exchange.synthetic.jsonl', 'utf8');
  const r = await runCli(['ingest', '-', '--json', '--exchange-only', '-o', out, ...asOf], { stdin });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  const rows = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { ip: string });
  assert.deepEqual(
    rows.map((x) => x.ip),
    ['192.0.2.10', '198.51.100.20'],
  );
});

test('usage errors exit 2 (unknown --format, no file); unreadable input exits 1', async () => {
  // content of no known format is a failure of the input, not of the command line
  const unknown = await runCli(['ingest', '-', ...asOf], { stdin: 'just some words\n' });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Known formats: shodan, censys, zgrab2, masscan, nmap, shadowserver, csv/);
  const badFormat = await runCli(['ingest', fixtures + 'masscan-oL-sample.txt', '--format', 'pcap', ...asOf]);
  assert.equal(badFormat.code, 2);
  const none = await runCli(['ingest', ...asOf]);
  assert.equal(none.code, 2);
  const missing = await runCli(['ingest', join(tmpdir(), 'no-such-file.jsonl'), ...asOf]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read/);
});

test('--format forces a reader; --no-store is accepted', async () => {
  const r = await runCli([
    'ingest',
    fixtures + 'plain-targets-noheader.synthetic.csv',
    '--format',
    'csv',
    '--no-store',
    '--json',
    ...asOf,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { ip: string; release: string | null });
  assert.equal(rows.length, 3);
  assert.match(rows[2]!.release ?? '', /Exchange Server 2013 CU23/);
});

test('a flood of bad lines: the first 1000 are printed, every one is counted', async () => {
  const good = readFileSync(fixtures + 'masscan-oL-sample.txt', 'utf8');
  const stdin = good + 'garbage line\n'.repeat(1005);
  const r = await runCli(['ingest', '-', '--json', ...asOf], { stdin });
  assert.equal(r.code, 0);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.filter((l) => /<stdin>:\d+: not a masscan -oL line/.test(l)).length, 1000);
  assert.match(r.stderr, /more problems: counted in the summary, not printed/);
  const summary = (JSON.parse(lines.at(-1)!) as { summary: { problems: number; records: number } }).summary;
  assert.equal(summary.problems, 1005);
  assert.equal(summary.records, 1);
});

test('corruption inside a record without Exchange markers is reported, with the pre-filter and with --strict', async () => {
  const line = readFileSync(fixtures + 'shodan-exchange.synthetic.jsonl', 'utf8')
    .trim()
    .split('\n')[2]!; // the nginx banner
  const corrupt = line.replace('"html": "', '"html": "\\q'); // an invalid escape mid-record
  const stdin = `${line}\n${corrupt}\n`;
  const lax = await runCli(['ingest', '-', ...asOf], { stdin });
  // the pre-filter's fast reader reads a few fields, but takes no line JSON.parse would refuse
  assert.equal(lax.code, 0);
  assert.match(lax.stderr, /<stdin>:2: invalid JSON/);
  assert.match(lax.stderr, /1 records .* 1 problem\b/);
  const strict = await runCli(['ingest', '-', '--strict', ...asOf], { stdin });
  assert.equal(strict.code, 0);
  assert.match(strict.stderr, /<stdin>:2: invalid JSON/);
  assert.match(strict.stderr, /1 records .* 1 problem\b/);
});
