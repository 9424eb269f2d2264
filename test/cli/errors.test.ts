// Usage errors say what is wrong in one line and point to --help (exit 2); file errors name the
// file and what was tried (exit 1), never "internal error" or an ENOENT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { editDistance, nearest } from '../../src/core/suggest.js';

/** stderr without the warning about an old knowledge base. */
const lines = (stderr: string) => stderr.split('\n').filter((l) => l !== '' && !/predates/.test(l));

test('nearest: edit distance within a third of the name', () => {
  assert.equal(editDistance('reprot', 'report'), 1, 'a swap of neighbours costs one');
  assert.equal(nearest('reprot', ['lookup', 'report', 'reclassify']), 'report');
  assert.equal(nearest('scna', ['scan', 'scans']), 'scan');
  assert.equal(nearest('frobnicate', ['lookup', 'report']), undefined);
});

test('an unknown command suggests the nearest one, without the whole help', async () => {
  const r = await runCli(['reprot']);
  assert.equal(r.code, 2);
  assert.deepEqual(lines(r.stderr), [
    'excensus: unknown command "reprot" (did you mean report?)',
    'Run `excensus --help` for the list of commands.',
  ]);
  assert.equal(r.stdout, '');
});

test('a usage error is one line and a pointer to the command help', async () => {
  const r = await runCli(['lookup', '--jsn', '15.1.2507.6']);
  assert.equal(r.code, 2);
  assert.deepEqual(lines(r.stderr), [
    'excensus lookup: unknown option --jsn (did you mean --json?)',
    'Run `excensus lookup --help` for its options.',
  ]);
  const by = await runCli(['report', '--by', 'countri', '--db', 'x.db']);
  assert.equal(by.code, 2);
  assert.match(lines(by.stderr)[0] ?? '', /--by: unknown key "countri" \(did you mean country\?\)/);
  assert.doesNotMatch(by.stderr, /Options:/);
  const missing = await runCli(['lookup', '15.1.2507.6', '--as-of']);
  assert.equal(missing.code, 2);
  assert.doesNotMatch(missing.stderr, /To specify/);
});

test('file errors name the file and the operation', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'excensus-errors-'));
  try {
    const cases: Array<[string[], RegExp]> = [
      [
        ['scan', '--list', join(dir, 'targets.txt'), '--no-store'],
        /cannot read target file .*targets\.txt: no such file/,
      ],
      [['ingest', join(dir, 'nothere.json'), '--no-store'], /cannot read .*nothere\.json: no such file/],
      [
        ['lookup', '15.1.2507.6', '-o', join(dir, 'no', 'dir', 'out.txt')],
        /cannot write .*out\.txt: no such directory/,
      ],
      [
        ['scan', '127.61.11.1', '--exclude', join(dir, 'excl.txt'), '--no-store'],
        /cannot read exclusion file .*excl\.txt: no such file/,
      ],
      [['lookup', '15.1.2507.6', '-o', dir], /cannot write .*: is a directory/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli([...args, '--quiet']);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /internal error|ENOENT|EISDIR|\n {4}at /);
      assert.doesNotMatch(r.stdout, /TARGET/, 'no table header before the failure');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
