// Text from scan data reaches terminals and text files made printable: no escape sequence, no
// clipboard write, no reversed text; Markdown from the data stays text; country codes are ISO 3166.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { printable, storeLabel } from '../../src/core/printable.js';
import { mdText } from '../../src/report/md-text.js';

const ESC = '\x1b';
const OSC52 = `${ESC}]52;c;ZWNobyBwd25lZA==\x07`;
const CLEAR = `${ESC}[2J`;
const RLO = '\u202e';
/** Any character printable() must have escaped. */
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

test('printable escapes C0, C1, ESC, DEL and bidi controls visibly and leaves text alone', () => {
  assert.equal(printable(`a${ESC}[31mb`), 'a\\x1b[31mb');
  assert.equal(printable(OSC52), '\\x1b]52;c;ZWNobyBwd25lZA==\\x07');
  assert.equal(printable(`x${RLO}gpj.exe`), 'x\\u202egpj.exe');
  assert.equal(printable('\u2066\u2069\x7f\x9b\x00\n'), '\\u2066\\u2069\\x7f\\x9b\\x00\\x0a');
  assert.equal(printable('Müller GmbH\tAS 3320 — 東京'), 'Müller GmbH\tAS 3320 — 東京');
});

test('a PostgreSQL password never appears in a store label', () => {
  assert.equal(
    storeLabel('postgres://census:s3cret@db.example:5432/x'),
    'postgres://census:***@db.example:5432/x',
  );
  assert.equal(storeLabel('postgresql://u:p%40ss@h/db?schema=a'), 'postgresql://u:***@h/db?schema=a');
  assert.equal(storeLabel('postgres://u@h/db'), 'postgres://u@h/db');
  assert.equal(storeLabel('./excensus.db'), './excensus.db');
});

test('Markdown from the data: links and images stay text', () => {
  const md = mdText('[x](javascript:alert(1)) ![](http://tracker.example/p.gif)');
  assert.doesNotMatch(md, /(^|[^\\])\[/);
  assert.doesNotMatch(md, /(^|[^\\])\]\(/);
  assert.doesNotMatch(md, /(^|[^\\])!\\?\[/);
});

test('report, ingest and notify output carry no control character from the data', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'excensus-hostile-'));
  const db = join(dir, 's.db');
  const file = join(dir, 'hostile.jsonl');
  const rec = (ip: string, cc: string, org: string, server: string) =>
    JSON.stringify({
      ip_str: ip,
      port: 443,
      transport: 'tcp',
      timestamp: '2026-01-02T00:00:00.000000',
      asn: 'AS64500',
      org,
      isp: org,
      location: { country_code: cc, city: `${CLEAR}City` },
      hostnames: [`mail${RLO}.example`],
      data: `HTTP/1.1 200 OK\r\nServer: ${server}\r\nX-OWA-Version: 15.1.2507.6\r\n\r\n`,
      http: { status: 200, title: 'Outlook' },
    });
  writeFileSync(
    file,
    [
      rec('192.0.2.7', `D${ESC}E`, `[x](javascript:alert(1)) ${OSC52}`, `IIS${CLEAR}`),
      rec('192.0.2.8', 'ZZ', '![](http://tracker.example/p.gif)', 'Microsoft-IIS/10.0'),
      rec('192.0.2.9', 'DE', `Org${RLO}`, 'Microsoft-IIS/10.0'),
    ].join('\n') + '\n',
  );
  const opts = ['--as-of', '2026-03-01', '--quiet'];
  const ingest = await runCli(['ingest', file, '--db', db, '--no-geo', '--plain-rows', ...opts]);
  assert.equal(ingest.code, 0, ingest.stderr);
  assert.doesNotMatch(ingest.stdout, RAW_CONTROL, 'ingest table');
  assert.doesNotMatch(ingest.stderr, RAW_CONTROL, 'ingest messages');

  const text = await runCli(['report', '--db', db, '--by', 'country,asn', ...opts]);
  assert.equal(text.code, 0, text.stderr);
  assert.doesNotMatch(text.stdout, RAW_CONTROL, 'report table');
  assert.match(text.stdout, /unknown \(D\\x1bE\)/, 'a code that is not ISO 3166 shows as unknown');
  assert.match(text.stdout, /unknown \(ZZ\)/);
  assert.match(text.stdout, /DE Germany/);

  const md = await runCli(['report', '--db', db, '--by', 'asn', '--format', 'md', ...opts]);
  assert.equal(md.code, 0, md.stderr);
  assert.doesNotMatch(md.stdout, RAW_CONTROL, 'report md');
  assert.doesNotMatch(md.stdout, /(^|[^\\])\]\(/m, 'no live link or image in report md');

  // CSV (to a terminal or a file) and JSON Lines carry no raw control character either; the JSON
  // still reads back as the same text
  const csv = await runCli(['report', '--db', db, '--by', 'asn', '--format', 'csv', ...opts]);
  assert.equal(csv.code, 0, csv.stderr);
  // CSV lines end in CRLF (RFC 4180): any other control character is one from the data
  const CSV_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
  assert.doesNotMatch(csv.stdout, CSV_CONTROL, 'report csv');
  const hosts = await runCli(['report', '--db', db, '--format', 'hosts', ...opts]);
  assert.equal(hosts.code, 0, hosts.stderr);
  assert.doesNotMatch(hosts.stdout, CSV_CONTROL, 'host csv');
  const json = await runCli(['report', '--db', db, '--by', 'asn', '--json', ...opts]);
  assert.equal(json.code, 0, json.stderr);
  assert.doesNotMatch(json.stdout, RAW_CONTROL, 'report json');
  const orgs = json.stdout
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { asn_org?: string }).asn_org);
  const raw = [`[x](javascript:alert(1)) ${OSC52}`, '![](http://tracker.example/p.gif)', `Org${RLO}`];
  assert.ok(
    orgs.some((o) => o !== undefined && raw.includes(o)),
    'the JSON means the same text',
  );

  const out = join(dir, 'bundles');
  const notify = await runCli(['notify', '--db', db, '--by', 'country', '--all', '--out', out, ...opts]);
  assert.equal(notify.code, 0, notify.stderr);
  for (const f of readdirSync(out).filter((n) => n.endsWith('.md')))
    assert.doesNotMatch(readFileSync(join(out, f), 'utf8'), RAW_CONTROL, f);
});

test('a problem quoting hostile input is printed escaped on stderr', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'excensus-hostile-'));
  const file = join(dir, 'bad.csv');
  writeFileSync(file, `ip,port\n192.0.2.1${OSC52},443\n`);
  const r = await runCli(['ingest', file, '--no-store', '--as-of', '2026-03-01', '--quiet']);
  assert.doesNotMatch(r.stderr, RAW_CONTROL);
  assert.match(r.stderr, /\\x1b\]52/);
});

test('ingest --json and scan-style host lines carry no raw bidi or C1 character from the data', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'excensus-hostile-'));
  const file = join(dir, 'hostile.jsonl');
  const name = `mail${RLO}gpj.exe\u009b\u2028.example`;
  writeFileSync(
    file,
    JSON.stringify({
      ip_str: '192.0.2.10',
      port: 443,
      timestamp: '2026-01-02T00:00:00.000000',
      hostnames: [name],
      org: `Org\u2066x`,
      data: 'HTTP/1.1 200 OK\r\nX-OWA-Version: 15.1.2507.6\r\n\r\n',
    }) + '\n',
  );
  const r = await runCli(['ingest', file, '--no-store', '--json', '--as-of', '2026-03-01', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, RAW_CONTROL, 'ingest --json');
  const host = JSON.parse(r.stdout.trim().split('\n')[0]!) as { hostname: string; asn: unknown };
  assert.equal(host.hostname, name, 'the JSON means the same text');
});
