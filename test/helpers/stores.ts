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
  const pgUrl = process.env.EXCENSUS_TEST_PG;
  if (!pgUrl) {
    test('postgres: skipped (set EXCENSUS_TEST_PG=postgres://postgres@127.0.0.1:5432/test)', {
      skip: 'EXCENSUS_TEST_PG is not set',
    });
    return stores;
  }
  const schema = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  stores.push({ name: 'postgres', db: `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema}` });
  after(async () => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });
  return stores;
}
