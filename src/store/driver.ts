// The few SQL operations the shared store logic needs; one implementation per database.
// SQL is written once with `?` placeholders; the PostgreSQL driver numbers them.

/** Uint8Array: UTF-8 text handed over as bytes (observations from ingest threads); stored as text on PostgreSQL. */
export type SqlValue = string | number | bigint | null | Uint8Array;
export type SqlRow = Record<string, unknown>;

export interface SqlDriver {
  readonly dialect: 'sqlite' | 'postgres';
  all(sql: string, params?: SqlValue[]): Promise<SqlRow[]>;
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
