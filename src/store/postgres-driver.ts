// node-postgres behind the SqlDriver interface. A `schema` query parameter in the URL
// (postgres://.../db?schema=NAME) selects and creates a schema, so test runs never collide.
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { ConfigError } from '../core/errors.js';
import { Mutex, type SqlDriver, type SqlRow, type SqlValue } from './driver.js';

/** Rewrites `?` placeholders as $1, $2, ... (store SQL never has `?` inside literals). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export async function openPostgresDriver(url: string): Promise<SqlDriver> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigError('E_STORE_OPEN', `invalid schema name "${schema}" (lower-case letters, digits, _)`);
  }
  const pool = new pg.Pool({ connectionString: parsed.toString(), max: 4 });
  pool.on('error', () => undefined); // idle-client errors surface on the next query instead
  if (schema)
    pool.on(
      'connect',
      (client) => void client.query(`SET search_path TO "${schema}"`).catch(() => undefined),
    );
  try {
    const c = await pool.connect();
    try {
      if (schema) await c.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } finally {
      c.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new ConfigError(
      'E_STORE_OPEN',
      `cannot connect to PostgreSQL store ${parsed.host}${parsed.pathname}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const mutex = new Mutex();
  // A transaction's statements run on its client: those issued from within its function (its async
  // context). Statements from elsewhere meanwhile (a census or the next page of a listing while a
  // batch is written) take another pooled connection: they neither see the open transaction nor
  // fail with it.
  const inTx = new AsyncLocalStorage<pg.PoolClient>();
  const q = async (sql: string, params: SqlValue[]): Promise<pg.QueryResult> => {
    const text = numberPlaceholders(sql);
    const values = params.map((p) =>
      typeof p === 'bigint'
        ? p.toString()
        : p instanceof Uint8Array
          ? Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('utf8')
          : p,
    );
    const client = inTx.getStore();
    return client ? await client.query(text, values) : await pool.query(text, values);
  };
  return {
    dialect: 'postgres',
    all: async (sql, params = []) => (await q(sql, params)).rows as SqlRow[],
    async run(sql, params = []) {
      return { changes: (await q(sql, params)).rowCount ?? 0 };
    },
    async exec(sql) {
      await (inTx.getStore() ?? pool).query(sql);
    },
    transaction<T>(fn: () => Promise<T>): Promise<T> {
      return mutex.lock(async () => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const out = await inTx.run(client, fn);
          await client.query('COMMIT');
          return out;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        } finally {
          client.release();
        }
      });
    },
    async close() {
      await mutex.lock(() => pool.end());
    },
  };
}
