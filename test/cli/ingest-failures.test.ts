// No silent wrong answers: a failed ingest leaves no scan behind and exits 1 with the reason;
// report, diff and notify never pick an interrupted scan by themselves, and say so when asked for one.
import { describe, it, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';
import { addScan, makeRecord, tempStore, type TempStore } from '../report/records.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-ingest-fail-'));
const fixtures = new URL('../fixtures/formats/', import.meta.url);

async function scanCount(db: string): Promise<number> {
  const store = await openStore(db);
  try {
    return (await store.listScans()).length;
  } finally {
    await store.close();
  }
}

describe('a failed ingest', () => {
  const shodan = readFileSync(new URL('shodan-sample.jsonl', fixtures));
  const cases: Array<[string, () => string[], RegExp]> = [
    ['a missing file', () => [join(dir, 'nope.json')], /cannot read .*nope\.json: no such file/],
    ['a directory', () => [dir], /it is a directory/],
    [
      'a ShadowServer file with no ip column',
      () => {
        const f = join(dir, 'noip.csv');
        writeFileSync(f, 'timestamp,port,version\n2025-04-01 00:00:00,443,15.1.2507.6\n');
        return [f, '--format', 'shadowserver'];
      },
      /no record could be read from .*noip\.csv \(shadowserver\): .*no "ip" column/,
    ],
    [
      'a gzip cut before its first record',
      () => {
        const f = join(dir, 'cut.json.gz');
        writeFileSync(f, gzipSync(shodan).subarray(0, 200));
        return [f];
      },
      /no record could be read from .*cut\.json\.gz/,
    ],
    [
      'content of no known format',
      () => {
        const f = join(dir, 'notes.txt');
        writeFileSync(f, 'hello world\nthis is not scan data\n');
        return [f];
      },
      /cannot tell the format of .*notes\.txt/,
    ],
    [
      'a forced --format that reads nothing',
      () => [fileURLPath(new URL('shodan-sample.jsonl', fixtures)), '--format', 'nmap'],
      /no record could be read from .*shodan-sample\.jsonl \(nmap\)/,
    ],
  ];
  for (const [what, args, reason] of cases) {
    it(`${what}: exit 1 with the reason, no scan kept`, async () => {
      const db = join(dir, `${what.replace(/\W+/g, '-')}.db`);
      const r = await runCli(['ingest', ...args(), '--db', db]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, reason);
      assert.doesNotMatch(r.stderr, /stored \d+ records as scan/);
      assert.equal(await scanCount(db), 0, 'no empty scan left behind');
    });
  }
  it('an input that reads fine still ingests', async () => {
    const db = join(dir, 'fine.db');
    const r = await runCli(['ingest', fileURLPath(new URL('shodan-sample.jsonl', fixtures)), '--db', db]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await scanCount(db), 1);
  });
});

function fileURLPath(u: URL): string {
  return decodeURIComponent(u.pathname);
}

describe('interrupted and empty scans', () => {
  let t: TempStore;
  before(async () => {
    t = await tempStore();
    await addScan(t.store, { name: 'done', startedAt: '2025-04-01T00:00:00Z' }, [
      makeRecord({ ip: '192.0.2.1', build: 'e2016cu19' }),
      makeRecord({ ip: '192.0.2.2', build: 'e2013' }),
    ]);
    // newer, but interrupted midway: partial
    const cut = await t.store.createScan({
      name: 'cut',
      kind: 'ingest',
      source: 'shodan',
      series: 'shodan',
      startedAt: '2025-11-01T00:00:00Z',
      inputs: [],
      options: {},
    });
    await t.store.addHosts(cut, [{ record: makeRecord({ ip: '192.0.2.1', build: 'e2016cu23' }) }]);
    await t.store.finishScan(cut, 'interrupted');
    // newest, killed before its first record
    await t.store.createScan({
      name: 'empty',
      kind: 'ingest',
      source: 'shodan',
      series: 'shodan',
      startedAt: '2025-12-01T00:00:00Z',
      inputs: [],
      options: {},
    });
  });
  after(async () => t.cleanup());

  it('report, diff and notify default to the newest complete scan', async () => {
    const r = await runCli(['report', '--json', '--db', t.path, '--as-of', '2026-01-01']);
    assert.equal(r.code, 0, r.stderr);
    const first = JSON.parse(r.stdout.split('\n')[0]!) as Record<string, unknown>;
    assert.equal(first.scan, 'done');
    assert.equal(first.complete, undefined);
    const trend = await runCli(['report', '--trend', '--json', '--db', t.path]);
    assert.deepEqual(
      trend.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { scan: string }).scan),
      ['done'],
    );
    const out = join(dir, 'bundles');
    mkdirSync(out, { recursive: true });
    const n = await runCli(['notify', '--by', 'asn', '--out', out, '--db', t.path, '--as-of', '2026-01-01']);
    assert.equal(n.code, 0, n.stderr);
    const md = readdirSync(out).filter((f) => f.endsWith('.md'));
    assert.ok(md.length > 0);
    for (const f of md) assert.match(readFileSync(join(out, f), 'utf8'), /Scan done,/);
  });

  it('an interrupted scan asked for by name is reported as partial', async () => {
    const r = await runCli(['report', '--scan', 'cut', '--json', '--db', t.path, '--as-of', '2026-01-01']);
    assert.equal(r.code, 0, r.stderr);
    const row = JSON.parse(r.stdout.split('\n')[0]!) as Record<string, unknown>;
    assert.equal(row.complete, false);
    assert.equal(row.scan_state, 'interrupted');
    const text = await runCli(['report', '--scan', 'cut', '--db', t.path, '--as-of', '2026-01-01']);
    assert.match(text.stdout, /Note: scan "cut" is interrupted: its counts are partial/);
    const d = await runCli(['diff', 'done', 'cut', '--json', '--db', t.path]);
    assert.equal(d.code, 0, d.stderr);
    const summary = JSON.parse(d.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    assert.equal(summary.complete, false);
  });

  it('an empty scan asked for by name: exit 1, saying so', async () => {
    for (const args of [
      ['report', '--scan', 'empty'],
      ['diff', 'done', 'empty'],
      ['notify', '--by', 'asn', '--out', join(dir, 'none'), '--scan', 'empty'],
    ]) {
      const r = await runCli([...args, '--db', t.path]);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /scan "empty" \(#3, running\) holds no records/);
    }
  });
});

// --exchange-only over data with no Exchange record: the file was read (exit 0), but an empty
// complete scan would become "the latest" and stand in the way of every default report.
test('an ingest that stores nothing keeps no scan', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'excensus-empty-'));
  const file = join(dir, 'plain.jsonl');
  writeFileSync(
    file,
    JSON.stringify({
      ip_str: '192.0.2.5',
      port: 443,
      timestamp: '2025-01-01T00:00:00.000000',
      data: 'HTTP/1.1 200 OK\r\nServer: nginx\r\n\r\n',
    }) + '\n',
  );
  const db = join(dir, 'e.db');
  const r = await runCli(['ingest', file, '--db', db, '--exchange-only', '--as-of', '2026-01-01']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /no record was stored \(--exchange-only: none had an Exchange marker\), so no scan was kept/,
  );
  const scans = await runCli(['scans', '--db', db, '--json']);
  assert.equal(scans.stdout.trim(), '');
});
