// A slow scan killed (SIGKILL) after some seconds keeps what it probed until its last two seconds:
// the recorder hands records to the store every 2 s as well as every N records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type Socket } from 'node:net';
import { repoRoot } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-scan-kill-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Loopback servers that accept and never answer: each host costs the scan its timeout. */
async function silentServers(n: number): Promise<{ ports: number[]; close: () => void }> {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    const srv = createServer((s) => {
      sockets.push(s);
      s.on('error', () => {});
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    ports.push((srv.address() as { port: number }).port);
    servers.push(srv);
  }
  return {
    ports,
    close: () => {
      for (const s of sockets) s.destroy();
      for (const srv of servers) srv.close();
    },
  };
}

test('a slow scan killed with SIGKILL has stored what it probed before its last seconds', async () => {
  const fleet = await silentServers(40);
  const db = join(dir, 'kill.db');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      `${repoRoot}src/cli/run.ts`,
      'scan',
      '127.0.0.1',
      '-p',
      fleet.ports.join(','),
      '--db',
      db,
      '--name',
      'slow',
      '--concurrency',
      '2',
      '--rate',
      '0',
      '--timeout',
      '500ms',
      '--host-timeout',
      '1s',
      '--as-of',
      '2026-01-01',
      '--quiet',
    ],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  try {
    // wait for the scan to exist, then let it probe for a while (40 hosts at 2 at a time take > 10 s)
    for (let i = 0; ; i++) {
      const store = await openStore(db).catch(() => null);
      const s = store ? await store.getScan('slow').finally(() => store.close()) : null;
      if (s) break;
      assert.ok(i < 600, `the scan never started: ${stderr}`);
      await sleep(100);
    }
    await sleep(6000);
    child.kill('SIGKILL');
    await exited;
    const store = await openStore(db);
    try {
      const scan = await store.getScan('slow');
      assert.equal(scan?.state, 'running', 'killed before it finished');
      assert.ok((scan?.counts.hosts ?? 0) > 0, 'records probed seconds before the kill were stored');
    } finally {
      await store.close();
    }
  } finally {
    child.kill('SIGKILL');
    fleet.close();
  }
});
