// `excensus worker` needs a PostgreSQL store: a --db that is a path is a configuration error
// (E_QUEUE_DB, exit 1) given before any store is opened, so no SQLite file is created and no
// store-open failure (a directory that does not exist) is left to surface as a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, spawnCli } from '../helpers/cli.js';

/** Runs the CLI in-process and collects the promise rejections nobody observed meanwhile. */
async function runCatching(args: string[]) {
  const unhandled: unknown[] = [];
  const onRejection = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onRejection);
  try {
    const r = await runCli(args);
    await new Promise((r) => setTimeout(r, 200)); // a store open still under way settles meanwhile
    return { ...r, unhandled };
  } finally {
    process.removeListener('unhandledRejection', onRejection);
  }
}

function assertQueueDbError(r: { code: number; stderr: string }, db: string) {
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /need a PostgreSQL store \(--db postgres:\/\/\.\.\.\).*\[E_QUEUE_DB\]/);
  assert.ok(r.stderr.includes(`"${db}"`), r.stderr);
  assert.doesNotMatch(r.stderr, /E_STORE_OPEN|internal error|^\s+at /m);
}

test('worker --db PATH is refused without creating a SQLite store there', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'excensus-worker-db-'));
  try {
    const db = join(dir, 'x.db');
    const r = await runCatching(['worker', '--db', db, '--exit-when-idle']);
    assertQueueDbError(r, db);
    assert.deepEqual(r.unhandled, []);
    assert.equal(existsSync(db), false, 'a SQLite store was created at --db');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('worker --db in a directory that does not exist gives one error, no crash', async () => {
  const db = join(tmpdir(), 'excensus-no-such-dir', 'w.db');
  const r = await runCatching(['worker', '--db', db, '--exit-when-idle']);
  assertQueueDbError(r, db);
  assert.deepEqual(r.unhandled, [], 'the store open failed unobserved');
  // as a process: the same error, exit 1, no stack trace of an unhandled rejection
  const c = await spawnCli(['worker', '--db', db, '--exit-when-idle']);
  assertQueueDbError(c, db);
  assert.equal(existsSync(join(tmpdir(), 'excensus-no-such-dir')), false);
});

test('scan --queue and ingest --queue with --db PATH are refused without creating a SQLite store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'excensus-queue-db-'));
  try {
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, '{}\n');
    for (const args of [
      ['scan', '192.0.2.1', '--queue'],
      ['ingest', input, '--queue'],
    ]) {
      const db = join(dir, `${args[0]}.db`);
      const r = await runCatching([...args, '--db', db]);
      assertQueueDbError(r, db);
      assert.deepEqual(r.unhandled, []);
      assert.equal(existsSync(db), false, `${args[0]} --queue created a SQLite store at --db`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
