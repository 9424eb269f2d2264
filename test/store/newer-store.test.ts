// A store written by a newer excensus (a schema version this binary does not know) is refused
// before anything is read or written, on SQLite and PostgreSQL, and the CLI says why with exit 1.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openStore } from '../../src/store/index.js';
import { latestSchemaVersion } from '../../src/store/migrations.js';
import { ConfigError } from '../../src/core/errors.js';
import { runCli } from '../helpers/cli.js';

const latest = latestSchemaVersion();
const future = latest + 1;

function refusal(err: unknown): boolean {
  assert.ok(err instanceof ConfigError, String(err));
  assert.equal(err.code, 'E_STORE_NEWER');
  assert.match(err.message, new RegExp(`schema version ${future}\\b`));
  assert.match(err.message, new RegExp(`versions up to ${latest}\\b`));
  return true;
}

/** Marks a store as written by a newer binary: a future version applied, the latest not yet. */
const MARK = [
  `DELETE FROM schema_migrations WHERE version = ${latest}`,
  `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${future}, 'from the future', 'x')`,
];

describe('a store from a newer excensus: sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'excensus-newer-'));
  const path = join(dir, 'newer.db');

  it('is refused, naming both versions, and nothing is migrated', async () => {
    await (await openStore(path)).close();
    const db = new Database(path);
    for (const sql of MARK) db.exec(sql);
    db.close();
    await assert.rejects(openStore(path), refusal);
    const check = new Database(path, { readonly: true });
    const versions = check.prepare('SELECT version FROM schema_migrations').all() as Array<{
      version: number;
    }>;
    check.close();
    assert.ok(!versions.some((r) => r.version === latest), 'the latest migration was applied to it');
  });

  it('the CLI exits 1 with the reason, not a crash', async () => {
    const r = await runCli(['scans', '--db', path]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /written by a newer excensus.*\[E_STORE_NEWER\]/);
    assert.doesNotMatch(r.stderr, /internal error|at .*\.ts:/);
  });
});

const url = process.env.EXCENSUS_TEST_PG;
describe(
  'a store from a newer excensus: postgres',
  { skip: url ? false : 'EXCENSUS_TEST_PG is not set' },
  () => {
    const schema = `excensus_newer_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const withSchema = `${url}${url?.includes('?') ? '&' : '?'}schema=${schema}`;
    after(async () => {
      if (!url) return;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    });

    it('is refused, naming both versions, and nothing is migrated', async () => {
      await (await openStore(withSchema)).close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const sql of MARK)
          await client.query(sql.replace('schema_migrations', `"${schema}".schema_migrations`));
        await assert.rejects(openStore(withSchema), refusal);
        const res = await client.query(
          `SELECT version FROM "${schema}".schema_migrations WHERE version = $1`,
          [latest],
        );
        assert.equal(res.rowCount, 0, 'the latest migration was applied to it');
      } finally {
        await client.end();
      }
    });
  },
);
