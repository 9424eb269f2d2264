// `excensus scan` end to end (in-process): exclusions, resume, output forms, usage errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { runCli } from '../helpers/cli.js';
import { startHttpServer } from './helpers/servers.js';

const tmp = mkdtempSync(join(tmpdir(), 'excensus-scan-'));
const fast = [
  '--no-store',
  '--rate',
  '0',
  '--timeout',
  '500ms',
  '--host-timeout',
  '2s',
  '--as-of',
  '2026-01-01',
];

function records(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('--exclude: an excluded address is never connected to, inside a range or given explicitly', async () => {
  const srv = await startHttpServer('127.61.3.2', true, (_q, res) =>
    res.writeHead(401, { 'X-OWA-Version': '15.2.1544.11' }).end(),
  );
  try {
    const excl = join(tmp, 'exclude.txt');
    writeFileSync(excl, '# never touch\n127.61.3.2\n');
    const r = await runCli([
      'scan',
      '127.61.3.0/29',
      '127.61.3.2',
      '-p',
      String(srv.port),
      '--exclude',
      excl,
      '--json',
      '--seed',
      '3',
      ...fast,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const recs = records(r.stdout);
    assert.equal(srv.connections(), 0, 'the excluded listener saw a connection');
    assert.deepEqual(
      recs.filter((x) => x.status === 'excluded').map((x) => x.ip),
      ['127.61.3.2'],
    );
    assert.equal(recs.length, 8); // 7 scanned + 1 explicit excluded record
    assert.ok(recs.filter((x) => x.ip !== '127.61.3.2').every((x) => x.status === 'refused'));
    assert.match(r.stderr, /1 addresses excluded/);
    // Control: without --exclude the same listener is found.
    const c = await runCli(['scan', '127.61.3.2', '-p', String(srv.port), '--json', ...fast]);
    assert.equal(records(c.stdout)[0]?.status, 'exchange');
    assert.equal(srv.connections(), 1);
  } finally {
    await srv.close();
  }
});

test('the blocklist is always on: private and documentation ranges are never scanned', async () => {
  const r = await runCli(['scan', '10.0.0.1', '192.0.2.0/30', '-p', '443', '--json', ...fast]);
  assert.equal(r.code, 0, r.stderr);
  const recs = records(r.stdout);
  assert.deepEqual(
    recs.map((x) => [x.ip, x.status]),
    [['10.0.0.1', 'excluded']],
  );
  assert.match(r.stderr, /4 addresses excluded/);
});

test('a malformed --exclude file stops the scan with line numbers (exit 1)', async () => {
  const excl = join(tmp, 'bad-exclude.txt');
  writeFileSync(excl, '127.61.3.2\n127.61.3.999\n');
  const r = await runCli(['scan', '127.61.3.0/29', '--exclude', excl, ...fast]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /line 2: "127\.61\.3\.999"/);
});

test('--resume skips what the file holds and appends the rest; a cut-off last line is re-probed', async () => {
  const out = join(tmp, 'resume.jsonl');
  const first = await runCli([
    'scan',
    '127.61.4.0/29',
    '-p',
    '9',
    '--json',
    '-o',
    out,
    '--seed',
    '11',
    ...fast,
  ]);
  assert.equal(first.code, 0, first.stderr);
  const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
  assert.equal(lines.length, 8);
  // Simulate an interruption: three complete records and half of a fourth.
  writeFileSync(out, lines.slice(0, 3).join('\n') + '\n' + (lines[3] as string).slice(0, 20));
  const second = await runCli(['scan', '127.61.4.0/29', '-p', '9', '--resume', out, '--seed', '11', ...fast]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /line\(s\) not a host record \(lines 4\)/);
  assert.match(second.stderr, /5 probed .*3 already done/);
  const all = readFileSync(out, 'utf8').split('\n');
  const good = all.flatMap((l) => {
    try {
      return [JSON.parse(l) as { ip: string; port: number }];
    } catch {
      return [];
    }
  });
  assert.equal(new Set(good.map((g) => `${g.ip}:${g.port}`)).size, 8);
  assert.equal(good.length, 8);
});

test('JSON Lines records carry the status, probes sent and schema version; table otherwise', async () => {
  const r = await runCli(['scan', '127.61.5.1', '-p', '9,smtp:10', '--json', ...fast]);
  const recs = records(r.stdout);
  assert.equal(recs.length, 2);
  for (const x of recs) {
    assert.equal(x.schema_version, 1);
    assert.equal(x.status, 'refused');
    assert.equal(x.source, 'probe');
    assert.ok(Array.isArray(x.probes) && x.probes.length === 1);
  }
  const t = await runCli(['scan', '127.61.5.1', '-p', '9', ...fast]);
  assert.match(t.stdout, /^TARGET\s+STATUS/);
  assert.ok(
    !t.stderr.includes('\r') && !t.stderr.includes('hosts/s'),
    'no progress bar when stderr is not a TTY',
  );
  assert.match(t.stdout, /127\.61\.5\.1:9\s+refused/);
});

test('target files: bad lines reported with line numbers, good ones scanned; usage errors exit 2', async () => {
  const list = join(tmp, 'targets.txt');
  // No host names here: resolving one could send a DNS packet off the machine.
  writeFileSync(list, '127.61.6.1\n127.61.6.300\n127.61.6.2 # second\n');
  const r = await runCli(['scan', '-l', list, '-p', '9', '--json', ...fast]);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /targets\.txt line 2: "127\.61\.6\.300"/);
  assert.equal(records(r.stdout).length, 2);
  const stdin = await runCli(['scan', '-l', '-', '-p', '9', '--json', ...fast], { stdin: '127.61.6.3\n' });
  assert.equal(records(stdin.stdout)[0]?.ip, '127.61.6.3');
  for (const bad of [
    ['scan'],
    ['scan', '1.2.3'],
    ['scan', '127.0.0.1', '-p', '70000'],
    ['scan', '127.0.0.1', '--shard', '3/2'],
    ['scan', '127.0.0.1', '--timeout', 'soon'],
    ['scan', '127.0.0.1', '--user-agent', 'x\r\nX-Injected: 1'],
  ]) {
    assert.equal((await runCli(bad)).code, 2, bad.join(' '));
  }
});

test('--user-agent goes out on every request', async () => {
  const srv = await startHttpServer('127.61.11.1', true, (_q, res) => res.writeHead(404).end());
  try {
    await runCli([
      'scan',
      '127.61.11.1',
      '-p',
      String(srv.port),
      '--user-agent',
      'census-test/1 (+https://example.org/optout)',
      '--json',
      ...fast,
    ]);
    assert.ok(srv.requests.length > 0);
    assert.ok(
      srv.requests.every((q) => q.headers['user-agent'] === 'census-test/1 (+https://example.org/optout)'),
    );
  } finally {
    await srv.close();
  }
});

test('a name resolving to loopback is not probed; the loopback address typed is', async () => {
  const srv = await startHttpServer('127.0.0.1', true, (_q, res) => res.writeHead(404).end());
  try {
    const r = await runCli(['scan', 'localhost', '-p', String(srv.port), '--json', ...fast]);
    const rec = records(r.stdout)[0];
    assert.equal(rec?.hostname, 'localhost');
    assert.equal(rec?.status, 'excluded');
    assert.equal(srv.requests.length, 0, 'localhost resolves to loopback: never contacted');
    const typed = await runCli(['scan', '127.0.0.1', '-p', String(srv.port), '--json', ...fast]);
    assert.equal(records(typed.stdout)[0]?.status, 'not-exchange', typed.stderr);
    assert.ok(srv.requests.length > 0);
  } finally {
    await srv.close();
  }
});

test('shards split one seeded order without overlap', async () => {
  const got: string[] = [];
  for (const shard of ['1/3', '2/3', '3/3']) {
    const r = await runCli([
      'scan',
      '127.61.7.0/28',
      '-p',
      '9',
      '--json',
      '--seed',
      '5',
      '--shard',
      shard,
      ...fast,
    ]);
    got.push(...records(r.stdout).map((x) => String(x.ip)));
  }
  assert.equal(got.length, 16);
  assert.equal(new Set(got).size, 16);
});

test('on a TTY, stderr shows a progress line with rate and ETA', async () => {
  const out = new PassThrough();
  const err = new PassThrough();
  let stderr = '';
  out.resume();
  err.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await main(['scan', '127.61.12.0/30', '-p', '9', '--json', ...fast], {
    stdout: out,
    stderr: err,
    stdin: Readable.from(['']),
    stderrIsTTY: true,
    stdoutIsTTY: false,
  });
  assert.equal(code, 0);
  assert.match(stderr, /\r\[#+\.*\] \d+% \d+\/4 \d+ hosts\/s \d+ in flight ETA \d+m\d\ds/);
});
