// One PostgreSQL database holds the store, the shard rows and the job queue. The store's URL
// (postgres://host/db?schema=NAME) names all three: the store and scan_shards live in NAME (or
// the default search path), pg-boss in NAME_boss (or excensus_boss), so runs never collide.
import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { ConfigError } from '../core/errors.js';

export interface QueueDb {
  pool: pg.Pool;
  /** The URL without its `schema` parameter (what pg and pg-boss understand). */
  url: string;
  /** pg-boss's own schema. */
  bossSchema: string;
}

const IDENT = /^[a-z_][a-z0-9_]{0,50}$/;

export function isQueueUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Splits the store URL into a plain connection URL and the schema names of store and queue. */
export function queueLocation(url: string): { url: string; schema: string | null; bossSchema: string } {
  if (!isQueueUrl(url))
    throw new ConfigError(
      'E_QUEUE_DB',
      `--queue and worker need a PostgreSQL store (--db postgres://...), not "${url}"`,
    );
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !IDENT.test(schema))
    throw new ConfigError('E_QUEUE_DB', `invalid schema name "${schema}" (lower-case letters, digits, _)`);
  return { url: parsed.toString(), schema, bossSchema: `${schema ?? 'excensus'}_boss` };
}

/** A pool whose connections see the store's schema (where scan_shards is). */
export async function openQueueDb(url: string): Promise<QueueDb> {
  const loc = queueLocation(url);
  const { default: pg } = await import('pg'); // see ShardQueue.open
  const pool = new pg.Pool({
    connectionString: loc.url,
    max: 3,
    ...(loc.schema ? { options: `-c search_path=${loc.schema}` } : {}),
  });
  // A connection the server dropped while idle: the pool replaces it; queries report their own errors.
  pool.on('error', () => undefined);
  return { pool, url: loc.url, bossSchema: loc.bossSchema };
}

/** pg-boss's view of a connection: runs its statements on `client` (inside our transaction). */
export function bossDb(client: pg.PoolClient): PgBoss.Db {
  return { executeSql: (text, values) => client.query(text, values) };
}

/** Runs `fn` in one transaction on one pooled connection. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const r = await fn(client);
    await client.query('COMMIT');
    client.release();
    return r;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(true); // the connection may be the broken part: never reuse it
    throw err;
  }
}
