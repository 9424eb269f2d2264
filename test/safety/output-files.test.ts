// Outputs never land on the store in use, go through a temporary file renamed when complete,
// and read-only commands neither create nor alter a database at a mistyped path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  linkSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { createOutputFile, refuseStoreAsOutput, writeFileAtomic } from '../../src/core/output-file.js';
import { UsageError } from '../../src/core/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-output-files-'));
const csv = join(dir, 'in.csv');
writeFileSync(csv, 'ip,port,hostname,build\n192.0.2.10,443,,15.2.1544.14\n');
const db = join(dir, 's.db');
const AS_OF = ['--as-of', '2026-01-01', '--quiet'];

test('report -o, --hosts-csv and ingest -o refuse the store in use (exit 2) and leave it intact', async () => {
  const first = await runCli(['ingest', csv, '--db', db, '--no-geo', ...AS_OF]);
  assert.equal(first.code, 0, first.stderr);
  const before = readFileSync(db);
  symlinkSync(db, join(dir, 'link.db'));
  linkSync(db, join(dir, 'hard.db'));
  const attempts = [
    ['report', '--db', db, '-o', db],
    ['report', '--db', db, '-o', join(dir, '.', 's.db')],
    ['report', '--db', db, '-o', join(dir, 'link.db')],
    ['report', '--db', db, '-o', join(dir, 'hard.db')],
    ['report', '--db', db, '-o', `${db}-wal`],
    ['report', '--db', db, '--hosts-csv', db],
    ['ingest', csv, '--db', db, '-o', db, '--no-geo'],
    ['scans', '--db', db, '-o', db],
  ];
  for (const args of attempts) {
    const r = await runCli([...args, ...(args[0] === 'scans' ? ['-q'] : AS_OF)]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /is the store in use/);
  }
  assert.deepEqual(readFileSync(db), before, 'the store is untouched');
  const scans = await runCli(['scans', '--db', db, '--json', '-q']);
  assert.equal(scans.stdout.trim().split('\n').length, 1, 'the refused ingest added no scan');
});

test('report -o writes through a temporary file beside the destination', async () => {
  const out = join(dir, 'report.txt');
  const r = await runCli(['report', '--db', db, '-o', out, ...AS_OF]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(readFileSync(out, 'utf8'), /Exchange census/);
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
    'no temporary file is left behind',
  );
});

test('an output file replaces its destination only when committed', async () => {
  const path = join(dir, 'atomic.txt');
  writeFileSync(path, 'old\n');
  const f = createOutputFile(path);
  f.stream.write('new\n');
  assert.equal(readFileSync(path, 'utf8'), 'old\n', 'the destination is untouched while writing');
  await f.commit();
  assert.equal(readFileSync(path, 'utf8'), 'new\n');
  const g = createOutputFile(path);
  g.stream.write('half');
  await g.discard();
  assert.equal(readFileSync(path, 'utf8'), 'new\n', 'a discarded output leaves the old file');
  writeFileAtomic(path, 'whole\n');
  assert.equal(readFileSync(path, 'utf8'), 'whole\n');
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.endsWith('.tmp')),
    [],
  );
  assert.throws(() => refuseStoreAsOutput(db, db), UsageError);
  assert.doesNotThrow(() => refuseStoreAsOutput(join(dir, 'other.db'), db));
  assert.doesNotThrow(() => refuseStoreAsOutput(db, 'postgres://u@127.0.0.1/db'));
});

test('read-only commands neither create nor alter a database at a mistyped path', async () => {
  const empty = join(dir, 'empty.db');
  writeFileSync(empty, '');
  const text = join(dir, 'notes.txt');
  writeFileSync(text, 'not a database\n');
  for (const cmd of [
    ['report'],
    ['scans'],
    ['diff', '1', '2'],
    ['notify', '--by', 'asn', '--out', join(dir, 'b')],
  ]) {
    for (const path of [empty, text]) {
      const r = await runCli([...cmd, '--db', path, ...(cmd[0] === 'scans' ? ['-q'] : AS_OF)]);
      assert.equal(r.code, 1, `${cmd[0]} ${path}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
      assert.match(r.stderr, /not (an excensus store|a database)/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  }
  assert.equal(statSync(empty).size, 0, 'the empty file was not made into a store');
  assert.equal(readFileSync(text, 'utf8'), 'not a database\n');
});
