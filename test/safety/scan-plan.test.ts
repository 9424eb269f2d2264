// A large scan needs a confirmation (--yes off a terminal); --dry-run prints the plan, sends nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { startHttpServer } from '../probe/helpers/servers.js';

const common = ['--as-of', '2026-01-01', '--no-store', '--quiet'];

test('--dry-run prints targets, ports, rate, duration and exclusions, and sends nothing', async () => {
  const srv = await startHttpServer('127.0.0.1', true, (_q, res) => res.writeHead(404).end());
  try {
    const r = await runCli([
      'scan',
      '127.0.0.1',
      '127.66.0.0/24',
      '-p',
      String(srv.port),
      '--rate',
      '10',
      '--dry-run',
      ...common,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /targets: +257 \(ip:port\)/);
    assert.match(r.stdout, new RegExp(`ports: +${srv.port}`));
    assert.match(r.stdout, /rate: +10 new hosts\/s/);
    assert.match(r.stdout, /duration: +about 26 s/);
    assert.match(r.stdout, /blocklist\.txt/);
    assert.match(r.stdout, /nothing sent/);
    assert.equal(srv.requests.length, 0);
  } finally {
    await srv.close();
  }
});

test(
  'a target set over the limit needs --yes off a terminal (exit 2, nothing sent)',
  { timeout: 60_000 },
  async () => {
    // 131,072 loopback addresses: over the default limit of a /16
    const r = await runCli(['scan', '127.70.0.0/15', '-p', '9', ...common]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /131,072 targets, more than --confirm-above 65,536: add --yes/);
    const small = await runCli([
      'scan',
      '127.70.0.0/30',
      '-p',
      '9',
      '--confirm-above',
      '2',
      '--dry-run',
      ...common,
    ]);
    assert.equal(small.code, 0, 'the plan is shown whatever the size');
    const over = await runCli(['scan', '127.70.0.0/30', '-p', '9', '--confirm-above', '2', ...common]);
    assert.equal(over.code, 2, 'the limit is configurable');
  },
);
