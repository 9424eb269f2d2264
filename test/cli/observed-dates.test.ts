// Scans are dated by their data: the records' own times (or --observed-at), not the ingest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-observed-'));

/** A Shodan banner; `build` makes it an Exchange server (X-OWA-Version), else a plain web server. */
function banner(ip: string, timestamp: string, build?: string): string {
  const headers = build ? `X-OWA-Version: ${build}\r\n` : 'Server: nginx\r\n';
  return JSON.stringify({
    ip_str: ip,
    port: 443,
    timestamp,
    asn: 'AS3320',
    org: 'Example AG',
    location: { country_code: 'DE' },
    data: `HTTP/1.1 200 OK\r\n${headers}\r\n`,
    _shodan: { module: 'https' },
  });
}

// Two archived downloads: April (EOL 2013 + a 2016) and November (the 2013 is gone).
const april = join(dir, 'april.jsonl');
writeFileSync(
  april,
  [
    banner('192.0.2.1', '2025-04-03T09:00:00.000000', '15.0.1497.2'),
    banner('192.0.2.2', '2025-04-02T08:00:00.000000', '15.1.2507.6'),
    banner('192.0.2.50', '2025-04-01T07:00:00.000000'), // plain: counted by network, its time still counts
  ].join('\n') + '\n',
);
const november = join(dir, 'november.jsonl');
writeFileSync(
  november,
  [
    banner('192.0.2.2', '2025-11-05T08:00:00.000000', '15.1.2507.6'),
    banner('192.0.2.51', '2025-11-06T07:00:00.000000'),
  ].join('\n') + '\n',
);

async function json(args: string[]): Promise<Array<Record<string, unknown>>> {
  const r = await runCli(args);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

for (const workers of ['0', '1']) {
  test(`downloads ingested November then April trend April -> November (workers ${workers})`, async () => {
    const db = join(dir, `trend-${workers}.db`);
    const common = ['--db', db, '--series', 'archive', '--workers', workers, '--as-of', '2026-01-01'];
    const nov = await runCli(['ingest', november, '--name', 'nov', ...common]);
    assert.equal(nov.code, 0, nov.stderr);
    assert.match(nov.stderr, /data observed 2025-11-05\.\.2025-11-06/);
    assert.equal((await runCli(['ingest', april, '--name', 'apr', ...common])).code, 0);

    const scans = await json(['scans', '--json', '--db', db]);
    assert.deepEqual(
      scans.map((s) => [s.name, s.observed_first, s.observed_last]),
      [
        ['apr', '2025-04-01T07:00:00.000Z', '2025-04-03T09:00:00.000Z'],
        ['nov', '2025-11-05T08:00:00.000Z', '2025-11-06T07:00:00.000Z'],
      ],
      'ordered by the data, the plain (counted) record included',
    );

    const trend = await json(['report', '--trend', '--json', '--db', db]);
    assert.deepEqual(
      trend.map((p) => [p.scan, p.as_of, p.exchange]),
      [
        ['apr', '2025-04-03', 2],
        ['nov', '2025-11-06', 1],
      ],
    );
    const text = await runCli(['report', '--trend', '--db', db]);
    assert.match(text.stdout, /apr\s+2025-04-03[\s\S]*nov\s+2025-11-06/);

    // the default scan is the one with the newest data, not the last ingested
    const latest = await json(['report', '--json', '--db', db]);
    assert.equal(latest[0]?.scan, 'nov');
  });
}

test('--observed-at dates a file whose records carry no time, and overrides those that do', async () => {
  const db = join(dir, 'override.db');
  const csv = join(dir, 'targets.csv');
  writeFileSync(csv, 'ip,port,build\n192.0.2.10,443,15.1.2507.6\n');
  const r = await runCli(['ingest', csv, '--db', db, '--name', 'csv', '--observed-at', '2024-01-15']);
  assert.equal(r.code, 0, r.stderr);
  const o = await runCli([
    'ingest',
    april,
    '--db',
    db,
    '--name',
    'apr',
    '--observed-at',
    '2023-06-30T12:00:00Z',
  ]);
  assert.equal(o.code, 0, o.stderr);
  const scans = await json(['scans', '--json', '--db', db]);
  assert.deepEqual(
    scans.map((s) => [s.name, s.observed_first, s.observed_last]),
    [
      ['apr', '2023-06-30T12:00:00.000Z', '2023-06-30T12:00:00.000Z'],
      ['csv', '2024-01-15T00:00:00.000Z', '2024-01-15T00:00:00.000Z'],
    ],
  );
  const hosts = await runCli(['report', '--format', 'hosts', '--scan', 'csv', '--db', db]);
  assert.match(hosts.stdout, /2024-01-15/, 'records without a time get the observed date');
  const bad = await runCli(['ingest', csv, '--db', db, '--observed-at', 'last week']);
  assert.equal(bad.code, 2);
  // a resumed scan keeps the date it began with when the resuming run gives none
  const resumed = await runCli(['ingest', april, '--db', db, '--resume-scan', 'apr']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /data observed 2023-06-30.*\(--observed-at\)/);
  const after = await json(['scans', '--json', '--db', db]);
  assert.deepEqual(
    after.filter((s) => s.name === 'apr').map((s) => [s.observed_first, s.observed_last]),
    [['2023-06-30T12:00:00.000Z', '2023-06-30T12:00:00.000Z']],
  );
});

// One record with a clock set to 2099 (and one at 1970) made the download the newest scan, dated
// 2099: such times are left out of the scan's dates, counted in a notice; the records are kept.
for (const workers of ['0', '1']) {
  test(`times after the ingest or before 1990 do not date the scan (workers ${workers})`, async () => {
    const file = join(dir, `clock-${workers}.jsonl`);
    writeFileSync(
      file,
      [
        banner('192.0.2.1', '2025-04-03T09:00:00.000000', '15.0.1497.2'),
        banner('192.0.2.60', '2099-01-01T00:00:00.000000'), // plain
        banner('192.0.2.61', '1970-01-01T00:00:00.000000'), // plain
        banner('192.0.2.62', '2025-04-01T07:00:00.000000'), // plain
        banner('192.0.2.3', '2100-06-01T00:00:00.000000', '15.1.2507.6'),
      ].join('\n') + '\n',
    );
    const db = join(dir, `clock-${workers}.db`);
    const r = await runCli([
      'ingest',
      file,
      '--db',
      db,
      '--name',
      'c',
      '--workers',
      workers,
      '--as-of',
      '2026-01-01',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /data observed 2025-04-01\.\.2025-04-03/);
    assert.match(
      r.stderr,
      /3 record times before 1990 or after \d{4}-\d\d-\d\d \(e\.g\. 2100-06-01T00:00:00\.000Z\) left out/,
    );
    const [scan] = await json(['scans', '--db', db, '--json']);
    assert.equal(scan!.observed_last, '2025-04-03T09:00:00.000Z');
    const rep = await json(['report', '--db', db, '--json', '--as-of', '2026-01-01']);
    assert.equal(rep[0]!.exchange, 2, 'the records themselves are kept');
  });
}
