// A resume never doubles or mixes a scan: a scan another writer holds (its lease, with a fresh
// heartbeat) is refused, a lapsed lease is taken over, and an ingest resumed with other inputs
// than it started with is refused. SQLite, and PostgreSQL when EXCENSUS_TEST_PG is set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { repoRoot, runCli } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';
import { sqliteAndPostgres } from '../helpers/stores.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-resume-guards-'));
const line = (i: number) =>
  JSON.stringify({
    ip_str: `198.51.100.${i}`,
    port: 443,
    timestamp: '2025-01-01T00:00:00',
    data: 'HTTP/1.1 200 OK\r\n\r\n',
  });
const fileA = join(dir, 'a.jsonl');
const fileB = join(dir, 'b.jsonl');
writeFileSync(fileA, [1, 2, 3].map(line).join('\n') + '\n');
writeFileSync(fileB, [4, 5, 6, 7].map(line).join('\n') + '\n');
const asOf = ['--as-of', '2026-01-01', '--quiet', '--no-geo'];

const stores = sqliteAndPostgres(dir, 'g.db', 'excensus_guards');

async function scanOf(db: string, name: string) {
  const store = await openStore(db);
  try {
    const s = await store.getScan(name);
    assert.ok(s, name);
    return s;
  } finally {
    await store.close();
  }
}

async function plantLease(db: string, scanId: number, heartbeatAgoMs: number) {
  const store = await openStore(db);
  try {
    const got = await store.acquireLease({
      scanId,
      writer: 'other-host:4242:cafe',
      ttlMs: 60_000,
      now: Date.now() - heartbeatAgoMs,
    });
    assert.ok(got.held);
  } finally {
    await store.close();
  }
}

for (const { name, db } of stores) {
  test(`${name}: a resume of a scan another writer holds is refused; a lapsed lease is taken over`, async () => {
    const first = await runCli(['ingest', fileA, '--db', db, '--name', 'held', ...asOf]);
    assert.equal(first.code, 0, first.stderr);
    const scan = await scanOf(db, 'held');
    await plantLease(db, scan.id, 1000); // another writer beat its heartbeat a second ago

    const second = await runCli(['ingest', fileA, '--db', db, '--resume-scan', 'held', ...asOf]);
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr, /scan "held" is being written by other-host:4242:cafe/);
    assert.match(second.stderr, /E_SCAN_BUSY/);
    assert.equal((await scanOf(db, 'held')).counts.hosts, 3);

    // the other writer stopped beating two minutes ago (60 s time to live): this run takes over
    await plantLease(db, scan.id, 120_000);
    const third = await runCli(['ingest', fileA, '--db', db, '--resume-scan', 'held', ...asOf]);
    assert.equal(third.code, 0, third.stderr);
    const after = await scanOf(db, 'held');
    assert.equal(after.counts.hosts, 3);
    assert.equal(after.state, 'complete');
    // the run gave its lease up: a later resume is not refused
    const fourth = await runCli(['ingest', fileA, '--db', db, '--resume-scan', 'held', ...asOf]);
    assert.equal(fourth.code, 0, fourth.stderr);
  });

  test(`${name}: two live writers on one scan: the second is refused while the first runs`, async () => {
    // the first writer reads stdin, which stays open: it holds the scan until stdin ends
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', `${repoRoot}src/cli/run.ts`, 'ingest', '-', '--db', db, '--name', 'live', ...asOf],
      { cwd: repoRoot, stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let childErr = '';
    child.stderr.on('data', (c: Buffer) => (childErr += c.toString()));
    child.stdin.write(line(1) + '\n');
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
    try {
      // wait until the first writer created its scan (and so holds its lease)
      for (let i = 0; ; i++) {
        const store = await openStore(db);
        const s = await store.getScan('live').finally(() => store.close());
        if (s) break;
        assert.ok(i < 600, `the first writer never created its scan: ${childErr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const second = await runCli(['ingest', fileA, '--db', db, '--resume-scan', 'live', ...asOf]);
      assert.equal(second.code, 1, second.stderr);
      assert.match(second.stderr, /scan "live" is being written by /);
    } finally {
      child.stdin.end(line(2) + '\n');
    }
    assert.equal(await exited, 0, childErr);
    assert.equal((await scanOf(db, 'live')).counts.hosts, 2);
  });

  test(`${name}: an ingest resumed with other inputs is refused and keeps what was stored`, async () => {
    const first = await runCli(['ingest', fileA, '--db', db, '--name', 'inputs', ...asOf]);
    assert.equal(first.code, 0, first.stderr);
    const other = await runCli(['ingest', fileB, '--db', db, '--resume-scan', 'inputs', ...asOf]);
    assert.equal(other.code, 1, other.stderr);
    assert.match(other.stderr, /cannot resume scan "inputs" with these inputs: input 1 was a\.jsonl/);
    // same name, other content
    const moved = join(dir, 'moved');
    mkdirSync(moved, { recursive: true });
    writeFileSync(join(moved, 'a.jsonl'), [1, 2].map(line).join('\n') + '\n');
    const changed = await runCli([
      'ingest',
      join(moved, 'a.jsonl'),
      '--db',
      db,
      '--resume-scan',
      'inputs',
      ...asOf,
    ]);
    assert.equal(changed.code, 1, changed.stderr);
    assert.match(changed.stderr, /E_RESUME_INPUTS/);
    const s = await scanOf(db, 'inputs');
    assert.equal(s.counts.hosts, 3);
    assert.equal(s.state, 'complete');
    const same = await runCli(['ingest', fileA, '--db', db, '--resume-scan', 'inputs', ...asOf]);
    assert.equal(same.code, 0, same.stderr);
  });

  test(`${name}: scan --resume-scan of a scan another writer holds is refused`, async () => {
    // a loopback port nothing listens on: every probe is refused at once
    const port = await new Promise<number>((resolve) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const args = ['scan', '127.0.0.1', '-p', String(port), '--db', db, '--rate', '0', '--timeout', '2s'];
    const first = await runCli([...args, '--name', 'probe-held', ...asOf]);
    assert.equal(first.code, 0, first.stderr);
    await plantLease(db, (await scanOf(db, 'probe-held')).id, 500);
    const second = await runCli([...args, '--resume-scan', 'probe-held', ...asOf]);
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr, /scan "probe-held" is being written by other-host:4242:cafe/);
  });
}
