// The stores a CLI test runs against: a SQLite file, and a fresh PostgreSQL schema when
// EXCENSUS_TEST_PG is set (dropped after the file's tests; without it, one skipped test says so).
import { after, test } from 'node:test';
import { join } from 'node:path';
import pg from 'pg';

export function sqliteAndPostgres(
  dir: string,
  file: string,
  prefix: string,
): Array<{ name: string; db: string }> {
  const stores = [{ name: 'sqlite', db: join(dir, file) }];
  const schemaUrl = testPostgres();
  if (schemaUrl)
    stores.push({
      name: 'postgres',
      db: schemaUrl(`${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`),
    });
  return stores;
}

/**
 * As sqliteAndPostgres, for tests that need a store of their own each: `db(key)` is the SQLite
 * file `key.db` in `dir`, or a PostgreSQL schema named after `prefix` and `key`.
 */
export function sqliteAndPostgresEach(
  dir: string,
  prefix: string,
): Array<{ name: string; db: (key: string) => string }> {
  const stores = [{ name: 'sqlite', db: (key: string) => join(dir, `${key}.db`) }];
  const schemaUrl = testPostgres();
  if (schemaUrl)
    stores.push({
      name: 'postgres',
      db: (key) => schemaUrl(`${prefix}_${process.pid}_${key.replace(/\W/g, '_')}`),
    });
  return stores;
}

/** The URL of a schema of EXCENSUS_TEST_PG's database, dropped after the file's tests; null without it. */
function testPostgres(): ((schema: string) => string) | null {
  const pgUrl = process.env.EXCENSUS_TEST_PG;
  if (!pgUrl) {
    test('postgres: skipped (set EXCENSUS_TEST_PG=postgres://postgres@127.0.0.1:5432/test)', {
      skip: 'EXCENSUS_TEST_PG is not set',
    });
    return null;
  }
  const schemas: string[] = [];
  after(async () => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await client.end();
  });
  return (schema) => {
    schemas.push(schema);
    return `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema}`;
  };
}
