// One server written three ways (and an IPv4 server written as IPv4-mapped IPv6) is one server:
// every path that makes records stores the canonical address, so report and diff count it once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-ipv6-'));
// documentation and reserved addresses: nothing is contacted
const owa = 'HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/10.0\r\nX-OWA-Version: 15.2.1544.4\r\n\r\n';
const plain = 'HTTP/1.1 200 OK\r\nServer: nginx\r\n\r\n';
const line = (ip: string, data: string, key = 'ip_str'): string =>
  JSON.stringify({ [key]: ip, port: 443, transport: 'tcp', timestamp: '2026-01-01T00:00:00.000000', data });
const file = join(dir, 'same-servers.jsonl');
writeFileSync(
  file,
  [
    line('2001:db8::1', owa),
    line('2001:DB8:0:0:0:0:0:1', owa),
    line('2001:0db8::0001', owa, 'ipv6'),
    line('::ffff:192.0.2.7', owa),
    line('192.0.2.7', owa),
    // plain records take the fast paths
    line('2001:DB8::2', plain),
    line('2001:db8:0:0:0:0:0:2', plain),
    line('::FFFF:192.0.2.8', plain),
    line('192.0.2.8', plain),
  ].join('\n') + '\n',
);

// Without the native reader the JavaScript fast path reads the plain lines; worker threads send
// its records as columns, past checkObservation.
const RUNS = [['--workers', '0'], ['--workers', '2'], ['--strict'], ['no-native', '--workers', '2']];
for (const run of RUNS)
  test(`ingest ${run.join(' ')} stores each server once, under its canonical address`, async () => {
    const strict = run[0] === '--strict';
    const noNative = run[0] === 'no-native';
    const extra = noNative ? run.slice(1) : run;
    const db = join(dir, `${run.join('')}.db`);
    if (noNative) process.env.EXCENSUS_NO_NATIVE = '1';
    const r = await runCli([
      'ingest',
      file,
      '--db',
      db,
      '--name',
      'a',
      '--as-of',
      '2026-01-02',
      ...extra,
    ]).finally(() => delete process.env.EXCENSUS_NO_NATIVE);
    assert.equal(r.code, 0, r.stderr);
    const store = await openStore(db);
    const ips = new Set<string>();
    try {
      const scan = await store.getScan('a');
      assert.ok(scan);
      for await (const h of store.iterateHosts(scan.id)) ips.add(h.record.ip);
    } finally {
      await store.close();
    }
    assert.deepEqual([...ips].sort(), ['192.0.2.7', '192.0.2.8', '2001:db8::1', '2001:db8::2']);
    const rep = await runCli(['report', '--json', '--db', db, '--as-of', '2026-01-02']);
    assert.equal(rep.code, 0, rep.stderr);
    const first = JSON.parse(rep.stdout.split('\n')[0]!) as Record<string, unknown>;
    assert.equal(first.hosts, 4, rep.stdout.split('\n')[0]);
    assert.equal(first.exchange, 2, rep.stdout.split('\n')[0]);
    // a stored line written with another spelling still gives the host stored under the canonical one
    const re = await runCli(['reclassify', '--db', db, '--scan', 'a', '--as-of', '2026-01-02', '--json']);
    assert.equal(re.code, 0, re.stderr);
    const counts = JSON.parse(re.stdout) as Record<string, number>;
    assert.equal(counts.unreadable, 0, re.stdout);
    assert.equal(counts.rejudged, strict ? 4 : 2, re.stdout); // --strict keeps every line
  });

test('diff between two scans of the same servers written differently finds no change', async () => {
  const db = join(dir, 'diff.db');
  const first = join(dir, 'first.jsonl');
  const second = join(dir, 'second.jsonl');
  writeFileSync(first, [line('2001:db8::1', owa), line('192.0.2.7', owa)].join('\n') + '\n');
  writeFileSync(
    second,
    [line('2001:0DB8:0:0:0:0:0:0001', owa), line('::ffff:c000:207', owa)].join('\n') + '\n',
  );
  for (const [f, name] of [
    [first, 'one'],
    [second, 'two'],
  ] as const) {
    const r = await runCli(['ingest', f, '--db', db, '--name', name, '--as-of', '2026-01-02']);
    assert.equal(r.code, 0, r.stderr);
  }
  const d = await runCli(['diff', 'one', 'two', '--json', '--db', db, '--as-of', '2026-01-02']);
  assert.equal(d.code, 0, d.stderr);
  const rows = d.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { host?: string; counts?: Record<string, number> });
  assert.deepEqual(
    rows.filter((r) => r.host).map((r) => r.host),
    ['192.0.2.7', '2001:db8::1'],
    d.stdout,
  );
  const counts = rows.at(-1)?.counts;
  assert.equal(counts?.new, 0, d.stdout);
  assert.equal(counts?.gone, 0, d.stdout);
});
