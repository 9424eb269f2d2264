// Under a low open file limit (ulimit -n 128, under the 160 servers) a scan of loopback servers stores
// no EMFILE outcome: it lowers its concurrency to what the limit allows (and says so), backs off on a
// local fault, and judges every host. Not lower: Node 20's ESM loader reads modules in parallel and
// then fails with EMFILE before the scan starts (docs/ci.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { repoRoot, runCli } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-fd-limit-'));

test('a scan under ulimit -n 128 judges every host and records no EMFILE', async () => {
  const servers: Server[] = [];
  const ports: number[] = [];
  for (let i = 0; i < 160; i++) {
    // each answer waits a little, so many hosts are in flight at once
    const srv = createServer((_req, res) => {
      setTimeout(() => res.end('<html>hello</html>'), 100);
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    ports.push((srv.address() as { port: number }).port);
    servers.push(srv);
  }
  const db = join(dir, 'fd.db');
  const args = [
    '--import',
    'tsx',
    `${repoRoot}src/cli/run.ts`,
    'scan',
    '127.0.0.1',
    '-p',
    ports.map((p) => `http:${p}`).join(','),
    '--db',
    db,
    '--name',
    'fd',
    '--concurrency',
    '200',
    '--rate',
    '0',
    '--timeout',
    '5s',
    '--as-of',
    '2026-01-01',
    '--quiet',
  ];
  const quoted = [process.execPath, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  try {
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      const child = spawn('bash', ['-c', `ulimit -n 128; exec ${quoted}`], {
        cwd: repoRoot,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /open file limit 128 \(ulimit -n\) allows about \d+ hosts at once/);
    const store = await openStore(db);
    try {
      const scan = await store.getScan('fd');
      assert.equal(scan?.state, 'complete');
      const hosts = [];
      for await (const h of store.iterateHosts(scan.id)) hosts.push(h.record);
      assert.equal(hosts.length, ports.length, 'every host judged');
      const local = hosts.filter((h) => /EMFILE|ENFILE|ENOBUFS|ENOMEM/.test(h.statusDetail ?? ''));
      assert.deepEqual(local, [], 'no local resource fault stored as a host outcome');
    } finally {
      await store.close();
    }
  } finally {
    for (const s of servers) s.close();
  }
});

// A server's own words are no fault of this machine: an SMTP greeting "ENOMEM ..." once made the
// scan retry its host for 22 s and end interrupted, every time it was resumed.
test('a greeting that names ENOMEM is the host outcome, not a local fault', async () => {
  const { createServer: createTcpServer } = await import('node:net');
  const srv = createTcpServer((s) => s.end('ENOMEM hello\r\n'));
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  const db = join(dir, 'greeting.db');
  try {
    const r = await runCli([
      'scan',
      '127.0.0.1',
      '-p',
      `smtp:${port}`,
      '--db',
      db,
      '--name',
      'g',
      '--rate',
      '0',
      '--timeout',
      '3s',
      '--as-of',
      '2026-01-01',
      '--quiet',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const store = await openStore(db);
    try {
      const scan = await store.getScan('g');
      assert.equal(scan?.state, 'complete');
      const hosts = [];
      for await (const h of store.iterateHosts(scan.id)) hosts.push(h.record);
      assert.equal(hosts.length, 1);
      assert.equal(hosts[0]!.status, 'protocol-error');
    } finally {
      await store.close();
    }
  } finally {
    srv.close();
  }
});
