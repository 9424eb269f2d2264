import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';

test('unknown command is a usage error (exit 2) that points to --help', async () => {
  const r = await runCli(['frobnicate']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command "frobnicate"/);
  assert.match(r.stderr, /Run `excensus --help` for the list of commands/);
});

test('a name that is an Object member is no command: the same usage error', async () => {
  for (const name of ['constructor', '__proto__', 'toString']) {
    const r = await runCli([name]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`unknown command "${name}"`));
  }
});

test('--help lists every command and exits 0', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  for (const c of ['lookup', 'ingest', 'scan', 'lab', 'report', 'diff', 'notify', 'demo'])
    assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
});
