import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { runCli, repoRoot } from '../helpers/cli.js';
import { fetchOnce } from './http-client.js';

test('excensus lab: truth on stdout, ready on stderr, serves, stops on SIGTERM', async () => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      `${repoRoot}src/cli/run.ts`,
      'lab',
      '--count',
      '6',
      '--seed',
      '4',
      '--base',
      '127.77.2.1',
      '--port',
      '27443',
    ],
    { cwd: repoRoot },
  );
  const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (stderr.includes('ready')) resolve();
    });
    child.once('exit', () => reject(new Error(`exited early: ${stderr}`)));
  });
  const truth = stdout
    .trim()
    .split('\n')
    .map(
      (l) =>
        JSON.parse(l) as {
          ip: string;
          port: number;
          kind: string;
          expected: { is_exchange: boolean };
          exposes: { tls: boolean };
        },
    );
  assert.equal(truth.length, 6);
  assert.equal(truth[0]?.ip, '127.77.2.1');
  assert.ok(
    truth.every((t) => typeof t.expected.is_exchange === 'boolean'),
    'snake_case on the wire',
  );
  const ex = truth.find((t) => t.kind === 'exchange');
  assert.ok(ex);
  const r = await fetchOnce(ex.ip, ex.port, '/owa/auth/logon.aspx', { tls: ex.exposes.tls });
  assert.ok(r.status === 200 || r.status === 404);
  const code = await new Promise<number | null>((resolve) => {
    child.once('exit', (c) => resolve(c));
    child.kill('SIGTERM');
  });
  clearTimeout(kill);
  assert.equal(code, 0);
  assert.match(stderr, /stopped/);
});

test('excensus lab: bad options are usage errors (exit 2)', async () => {
  const nonLoopback = await runCli(['lab', '--base', '10.1.2.3', '--count', '2']);
  assert.equal(nonLoopback.code, 2);
  assert.match(nonLoopback.stderr, /127\.0\.0\.0\/8/);
  assert.equal((await runCli(['lab', '--mix', 'everything'])).code, 2);
  assert.equal((await runCli(['lab', '--count', 'many'])).code, 2);
});
