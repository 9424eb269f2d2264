// A real interruption: SIGINT mid-scan, then --resume finishes without re-probing or losing a record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/cli.js';
import { startHttpServer } from './helpers/servers.js';

function runScan(
  args: string[],
  interruptAfterLines?: { file: string; lines: number },
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', `${repoRoot}src/cli/run.ts`, 'scan', '--no-store', ...args],
      { cwd: repoRoot },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let poll: NodeJS.Timeout | undefined;
    if (interruptAfterLines) {
      poll = setInterval(() => {
        const f = interruptAfterLines.file;
        if (
          existsSync(f) &&
          readFileSync(f, 'utf8').split('\n').filter(Boolean).length >= interruptAfterLines.lines
        ) {
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, 20);
    }
    child.on('close', (code) => {
      if (poll) clearInterval(poll);
      resolve({ code, stderr });
    });
  });
}

test('SIGINT stops the scan cleanly; --resume completes it with every target exactly once', async (t) => {
  const ips = Array.from({ length: 12 }, (_, i) => `127.61.10.${i + 1}`);
  const servers = await Promise.all(
    ips.map((ip) =>
      startHttpServer(ip, true, (_q, res) =>
        res.writeHead(401, { 'X-OWA-Version': '15.2.1544.11', Server: 'Microsoft-IIS/10.0' }).end(),
      ),
    ),
  );
  // Every listener needs the same port: find one that is free on all twelve addresses.
  await Promise.all(servers.map((s) => s.close()));
  const port = servers[0]?.port as number;
  const again = await Promise.all(
    ips.map((ip) =>
      startHttpServer(
        ip,
        true,
        (_q, res) =>
          res.writeHead(401, { 'X-OWA-Version': '15.2.1544.11', Server: 'Microsoft-IIS/10.0' }).end(),
        port,
      ).catch(() => null),
    ),
  );
  try {
    if (again.some((s) => s === null)) {
      t.skip(`port ${port} is taken on one of the addresses`);
      return;
    }
    const out = join(mkdtempSync(join(tmpdir(), 'excensus-int-')), 'scan.jsonl');
    const common = [
      '127.61.10.1-127.61.10.12',
      '-p',
      String(port),
      '--seed',
      '5',
      '--concurrency',
      '1',
      '--as-of',
      '2026-01-01',
    ];
    const first = await runScan([...common, '--rate', '10', '--resume', out], { file: out, lines: 3 });
    assert.equal(first.code, 130, first.stderr);
    assert.match(first.stderr, /interrupted; run again with --resume/);
    const done = readFileSync(out, 'utf8').split('\n').filter(Boolean).length;
    assert.ok(done >= 3 && done < 12, `${done} records before the interruption`);
    const hits = again.reduce((n, s) => n + (s?.requests.length ?? 0), 0);
    const second = await runScan([...common, '--rate', '0', '--resume', out]);
    assert.equal(second.code, 0, second.stderr);
    const recs = readFileSync(out, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { ip: string; status: string });
    assert.equal(recs.length, 12);
    assert.equal(new Set(recs.map((r) => r.ip)).size, 12);
    assert.ok(recs.every((r) => r.status === 'exchange'));
    // The second run probed only the remaining hosts: one request each.
    assert.equal(again.reduce((n, s) => n + (s?.requests.length ?? 0), 0) - hits, 12 - done);
  } finally {
    await Promise.all(again.map((s) => s?.close()));
  }
});
