// The published entry point (bin/excensus.js -> dist/) finds its data files: data/ is resolved from
// dist/src/... as well as from src/. `npm ci` builds dist (prepare); without a build this skips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../helpers/cli.js';

const run = promisify(execFile);
const bin = join(repoRoot, 'bin', 'excensus.js');
const built = existsSync(join(repoRoot, 'dist', 'src', 'cli', 'main.js'));

test(
  'built CLI: lookup answers from data/',
  { skip: built ? false : 'no dist/ build (run `npm run build`)' },
  async () => {
    const { stdout } = await run(process.execPath, [
      bin,
      'lookup',
      '15.1.2507.6',
      '--json',
      '--as-of',
      '2025-10-15',
    ]);
    const row = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(row.product, 'Exchange Server 2016');
    assert.equal(row.eol, true);
  },
);

test(
  'built CLI: demo runs lab, scan, store and reports',
  { skip: built ? false : 'no dist/ build (run `npm run build`)' },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'excensus-built-'));
    const { stdout, stderr } = await run(
      process.execPath,
      [
        bin,
        'demo',
        '--count',
        '24',
        '--base',
        '127.94.0.1',
        '--port',
        '29943',
        '--db',
        join(dir, 'd.db'),
        '--html',
        join(dir, 'd.html'),
      ],
      { timeout: 60_000 },
    );
    assert.match(stdout, /on-premises Exchange servers/);
    assert.match(stderr, /HTML report/);
    assert.ok(existsSync(join(dir, 'd.html')));
  },
);

test(
  'built CLI: scan re-executes under its V8 flags and passes the exit status on',
  { skip: built ? false : 'no dist/ build (run `npm run build`)' },
  async () => {
    // Nothing listens on 127.0.0.1:9 (discard): one refused record.
    const { stdout } = await run(process.execPath, [
      bin,
      'scan',
      '127.0.0.1',
      '-p',
      '9',
      '--no-store',
      '--json',
      '--timeout',
      '500ms',
    ]);
    assert.equal((JSON.parse(stdout) as { status: string }).status, 'refused');
    await assert.rejects(
      run(process.execPath, [bin, 'scan', '1.2.3']),
      (err: { code?: number }) => err.code === 2,
    );
  },
);
