// The few SQL operations the shared store logic needs; one implementation per database.
// SQL is written once with `?` placeholders; the PostgreSQL driver numbers them.

/** Uint8Array: UTF-8 text handed over as bytes (observations from ingest threads); stored as text on PostgreSQL. */
export type SqlValue = string | number | bigint | null | Uint8Array;
export type SqlRow = Record<string, unknown>;

/**
 * What a database can do, declared by its driver: the store's shared code asks these, never the
 * database's name (as kysely's dialect adapters do).
 */
export interface DriverTraits {
  /** For messages. */
  readonly name: string;
  /** DDL of an auto-increment primary key, and of text that sorts byte by byte (as JavaScript compares). */
  readonly ddl: { readonly idColumn: string; readonly byteText: string };
  /** Run first in a migration's transaction when another process may be migrating the same database. */
  readonly migrationLock: string | null;
  /** Rows per multi-row INSERT: plain hosts rows, and hosts rows that get a host_data row. */
  readonly rowsPerInsert: { readonly plain: number; readonly full: number };
  /** Shorter INSERTs use power-of-two row counts, so few statement texts are prepared and cached. */
  readonly powerOfTwoInserts: boolean;
  /**
   * Reads, inside a write transaction, the id the next hosts row will get: the store then gives ids
   * in the INSERT itself. Without it ids come back through RETURNING (matched by target: its row
   * order is not guaranteed).
   */
  nextHostId?(): Promise<number>;
  /**
   * Census cubes may be counted while writing (cube-tally.ts): the rows an upsert replaces can be
   * read back first, and MAX() over text compares as the tally does (byte order, not a collation).
   */
  readonly tallyOnWrite: boolean;
  /**
   * ORDER BY on text compares UTF-8 bytes (no collation), so an in-memory order of the rows
   * (host-order.ts) pages them exactly as the database would.
   */
  readonly byteOrderText: boolean;
  /** Bulk writes may go through a writer thread with a connection of its own (a database file). */
  readonly file: string | null;
  /**
   * The error is the database refusing a value of the statement (a constraint, a trigger, a value
   * it cannot hold), not a failure of the database or the connection: a batch is then written again
   * in parts (batch-retry.ts).
   */
  refusal(err: unknown): boolean;
}

export interface SqlDriver {
  readonly traits: DriverTraits;
  all(sql: string, params?: SqlValue[]): Promise<SqlRow[]>;
  /** The rows as arrays of their values in select order: no object per row, for large reads. */
  values(sql: string, params?: SqlValue[]): Promise<unknown[][]>;
  /** Returns the number of rows the statement inserted, updated or deleted. */
  run(sql: string, params?: SqlValue[]): Promise<{ changes: number }>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs fn in one transaction; calls are serialised so transactions never interleave. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Serialises async critical sections (one open transaction per connection). */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  lock<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
