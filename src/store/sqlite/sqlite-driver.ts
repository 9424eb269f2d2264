// better-sqlite3 behind the SqlDriver interface: WAL, prepared statements cached by text.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ConfigError } from '../../core/errors.js';
import { Mutex, type SqlDriver, type SqlRow, type SqlValue } from '../driver.js';

/** Result codes of a statement refused for its values (SQLITE_CONSTRAINT_TRIGGER: a trigger's RAISE). */
const REFUSALS = /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG)/;

/** WAL pages between automatic checkpoints (64 MB of 4 KiB pages). */
export const SQLITE_AUTOCHECKPOINT = 16384;

export function openSqliteDriver(path: string, opts: { create?: boolean } = {}): SqlDriver {
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: opts.create === false });
  } catch (err) {
    if (opts.create === false && !existsSync(path))
      throw new ConfigError(
        'E_STORE_MISSING',
        `no store at "${path}" (run scan or ingest first, or pass --db)`,
        { cause: err },
      );
    throw new ConfigError('E_STORE_OPEN', `cannot open SQLite store "${path}": ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (opts.create === false) refuseForeignFile(db, path);
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across process kills in WAL mode (only an OS crash can lose the last commit).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000');
  // Checkpoint every 64 MB of WAL rather than every 4 MB: a bulk ingest checkpointed (and synced
  // the database file) at nearly every commit; a killed process still loses only the open batch.
  db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT}`);
  const statements = new Map<string, Database.Statement>();
  // statements that return arrays (raw mode stays set on a statement): cached apart
  const arrays = new Map<string, Database.Statement>();
  const prepare = (sql: string, raw = false): Database.Statement => {
    const cache = raw ? arrays : statements;
    let st = cache.get(sql);
    if (!st) {
      st = db.prepare(sql);
      if (raw) st.raw(true);
      cache.set(sql, st);
    }
    return st;
  };
  const mutex = new Mutex();
  let inTx = false;
  const file = path !== ':memory:' && path !== '' && !path.startsWith('file:') ? path : null;
  return {
    traits: {
      name: 'SQLite',
      ddl: { idColumn: 'INTEGER PRIMARY KEY AUTOINCREMENT', byteText: 'TEXT' },
      migrationLock: null, // BEGIN IMMEDIATE already takes the write lock
      rowsPerInsert: { plain: 64, full: 32 },
      powerOfTwoInserts: true,
      // AUTOINCREMENT ids only grow, above every id ever used; the writer holds the write lock
      async nextHostId() {
        const [row] = prepare("SELECT seq FROM sqlite_sequence WHERE name = 'hosts'").all() as SqlRow[];
        return Number(row?.seq ?? 0) + 1;
      },
      tallyOnWrite: true,
      byteOrderText: true,
      file,
      refusal: (err) => err instanceof Database.SqliteError && REFUSALS.test(err.code),
    },
    async all(sql: string, params: SqlValue[] = []) {
      return prepare(sql).all(params) as SqlRow[];
    },
    async values(sql: string, params: SqlValue[] = []) {
      return prepare(sql, true).all(params) as unknown[][];
    },
    async run(sql: string, params: SqlValue[] = []) {
      return { changes: prepare(sql).run(params).changes };
    },
    async exec(sql: string) {
      db.exec(sql);
    },
    transaction<T>(fn: () => Promise<T>): Promise<T> {
      return mutex.lock(async () => {
        if (inTx) throw new Error('nested store transaction');
        db.exec('BEGIN IMMEDIATE');
        inTx = true;
        try {
          const out = await fn();
          db.exec('COMMIT');
          return out;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        } finally {
          inTx = false;
        }
      });
    },
    async close() {
      await mutex.lock(async () => db.close());
    },
  };
}

/**
 * A store opened only to read must already be one: an empty file or another program's database
 * given by mistake is neither migrated into a store nor altered (nothing is written before this).
 */
function refuseForeignFile(db: Database.Database, path: string): void {
  let tables: number;
  try {
    tables = (
      db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'schema_migrations'").get() as {
        n: number;
      }
    ).n;
  } catch (err) {
    db.close();
    throw new ConfigError('E_STORE_NOT_DB', `"${path}" is not a database: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (tables === 0) {
    db.close();
    throw new ConfigError(
      'E_STORE_NOT_DB',
      `"${path}" is not an excensus store (no scans were ever stored in it)`,
    );
  }
}
