// The launcher (bin/excensus.js) re-runs `ingest` under its V8 flags only when the input may be
// large (bin/v8-flags.js, flagsAbove). It sizes the files named as arguments: not the values of
// options (a store, an output, "-" as an output), it stops once the total reaches the limit, and
// the re-run child, which already has the flags, sizes nothing again. Observed with a spy loaded
// by --import (test/helpers/launcher-spy.mjs); --help ends each run before it reads anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/cli.js';
import { flagsAbove, valueOptions } from '../../bin/v8-flags.js';
import { command as ingest } from '../../src/cli/commands/ingest.js';

const bin = join(repoRoot, 'bin', 'excensus.js');
const spy = pathToFileURL(join(repoRoot, 'test', 'helpers', 'launcher-spy.mjs')).href;
const skip = existsSync(join(repoRoot, 'dist', 'src', 'cli', 'main.js'))
  ? false
  : 'no dist/ build (run `npm run build`)';
const dir = mkdtempSync(join(tmpdir(), 'excensus-launcher-size-'));

/** A file of `bytes` bytes (sparse: no disk is written). */
function sized(name: string, bytes: number): string {
  const path = join(dir, name);
  writeFileSync(path, '{}\n');
  if (bytes > 3) truncateSync(path, bytes);
  return path;
}
const small = sized('small.jsonl', 1000);
const big = () => sized(`big-${Math.random().toString(36).slice(2)}`, flagsAbove.ingest + 1);

/** The processes the launcher ran (their execArgv) and the paths it sized, per process. */
function launch(args: string[], execArgv: string[] = []) {
  const log = join(dir, `spy-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', spy, ...execArgv, bin, 'ingest', ...args, '--help'], {
    env: { ...process.env, EXCENSUS_LAUNCHER_SPY: log },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const entries = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { pid: number; execArgv?: string[]; stat?: string });
  const pids = [...new Set(entries.map((e) => e.pid))];
  return pids.map((pid) => ({
    execArgv: entries.find((e) => e.pid === pid && e.execArgv)?.execArgv ?? [],
    sized: entries.filter((e) => e.pid === pid && e.stat !== undefined).map((e) => e.stat),
  }));
}

test('the values of options are not input: a large store, an output, "-" as output', { skip }, () => {
  const runs = launch([small, '--db', big(), '-o', big(), '--output', '-', '--name', small]);
  assert.equal(runs.length, 1, 'no re-run');
  assert.deepEqual(runs[0]!.sized, [small]);
  // attached values are one argument; after "--" every argument is a file
  assert.equal(launch([small, `--db=${big()}`, '--', '-o']).length, 1);
});

test('"-" as an input is stdin, which may be large', { skip }, () => {
  const runs = launch(['-o', small, '-']);
  assert.equal(runs.length, 2);
  assert.ok(runs[1]!.execArgv.includes('--single-threaded-gc'), JSON.stringify(runs));
});

test('sizing stops at the limit; the re-run child sizes nothing', { skip }, () => {
  const first = big();
  const runs = launch([first, big(), small]);
  assert.equal(runs.length, 2);
  assert.deepEqual(runs[0]!.sized, [first]);
  assert.ok(runs[1]!.execArgv.includes('--single-threaded-gc'));
  assert.deepEqual(runs[1]!.sized, []);
  // started with the flags already: nothing to decide
  const flagged = launch([big()], ['--single-threaded-gc']);
  assert.equal(flagged.length, 1);
  assert.deepEqual(flagged[0]!.sized, []);
});

test("the launcher's valueOptions.ingest are ingest's options that take a value, and --kb", () => {
  const taking = ingest.options
    .filter((o) => o.type === 'string')
    .flatMap((o) => [`--${o.name}`, ...(o.short ? [`-${o.short}`] : [])]);
  assert.deepEqual([...valueOptions.ingest].sort(), [...taking, '--kb'].sort());
});
