// A writer killed with kill -9 on this host leaves its scan `running` with a lease that has not
// lapsed. Its process is gone, so a resume takes the lease over at once; a writer whose process
// still exists (or that ran on another host or in another process space) is waited for as before.
// SQLite, and PostgreSQL when EXCENSUS_TEST_PG is set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';
import { sqliteAndPostgres } from '../helpers/stores.js';
import { openStore } from '../../src/store/index.js';
import { writerIdentity, writerIsGone } from '../../src/run/writer-alive.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-lease-killed-'));
const line = (i: number) =>
  JSON.stringify({
    ip_str: `198.51.100.${i}`,
    port: 443,
    timestamp: '2025-01-01T00:00:00',
    data: 'HTTP/1.1 200 OK\r\n\r\n',
  });
const asOf = ['--as-of', '2026-01-01', '--quiet', '--no-geo'];

/** This host's writer name for process `pid` (same host and process space as this test). */
function writerOf(pid: number): string {
  const [host, , tag, ...space] = writerIdentity().split(':');
  return [host, String(pid), tag, ...space].join(':');
}

test('a writer is gone only when its process no longer exists on this host, in this process space', async () => {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid!;
  await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(writerIsGone(writerOf(pid)), true, 'an ended process');
  const digits = writerOf(pid).split(':');
  digits[2] = '12345678'; // a random tag may be all digits
  assert.equal(writerIsGone(digits.join(':')), true, 'an ended process, a tag of digits');
  assert.equal(writerIsGone(writerOf(process.pid)), false, 'this process');
  assert.equal(writerIsGone(writerOf(process.ppid)), false, 'a live process (a reused id looks the same)');
  assert.equal(writerIsGone(writerOf(1)), false, 'init (EPERM when not root)');
  const other = writerOf(pid).replace(hostname(), `not-${hostname()}`);
  assert.equal(writerIsGone(other), false, 'another host');
  const parts = writerOf(pid).split(':');
  if (parts.length === 4) {
    assert.equal(writerIsGone(parts.slice(0, 3).join(':')), false, 'no process space (an older writer)');
    assert.equal(writerIsGone([...parts.slice(0, 3), '00000000'].join(':')), false, 'another process space');
  }
  assert.equal(writerIsGone('other-host:4242:cafe'), false);
  assert.equal(writerIsGone(`${hostname()}:0:cafecafe`), false);
});

for (const { name, db } of sqliteAndPostgres(dir, 'k.db', 'excensus_lease_killed')) {
  test(`${name}: a scan whose writer was killed (kill -9) on this host is resumed at once`, async () => {
    // the writer reads stdin, which stays open: it holds the scan's lease until it is killed
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        `${repoRoot}src/cli/run.ts`,
        'ingest',
        '-',
        '--db',
        db,
        '--name',
        'killed',
        ...asOf,
      ],
      { cwd: repoRoot, stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let childErr = '';
    child.stderr.on('data', (c: Buffer) => (childErr += c.toString()));
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    child.stdin.write(line(1) + '\n');
    try {
      for (let i = 0; ; i++) {
        const store = await openStore(db);
        const s = await store.getScan('killed').finally(() => store.close());
        if (s) break;
        assert.ok(i < 600, `the writer never created its scan: ${childErr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // alive: refused, as before
      const busy = await runCli(['ingest', '-', '--db', db, '--resume-scan', 'killed', ...asOf], {
        stdin: line(1) + '\n',
      });
      assert.equal(busy.code, 1, busy.stderr);
      assert.match(busy.stderr, /E_SCAN_BUSY/);
    } finally {
      child.kill('SIGKILL');
    }
    assert.equal(await exited, 'SIGKILL', childErr);

    const scans = await runCli(['scans', '--db', db]);
    assert.match(scans.stdout, /killed\b.*\brunning\b/, scans.stdout);
    const resumed = await runCli(['ingest', '-', '--db', db, '--resume-scan', 'killed', ...asOf], {
      stdin: [line(1), line(2)].join('\n') + '\n',
    });
    assert.equal(resumed.code, 0, resumed.stderr);
    const store = await openStore(db);
    const s = await store.getScan('killed').finally(() => store.close());
    assert.equal(s?.state, 'complete');
    assert.equal(s?.counts.hosts, 2);
  });
}
