// openStore: a path means SQLite (the embedded default), a postgres:// URL means PostgreSQL.
import type { Store } from './store.js';
import { SqlStore } from './sql-store.js';
import { openSqliteDriver } from './sqlite/sqlite-driver.js';
import { sqliteFileWrites } from './sqlite/file-writes.js';
import { DEFAULT_STORE_PATH, isPostgresUrl } from './store-url.js';

export type * from './store.js';
export { HOST_SORT_KEYS } from './host-query.js';
export { encodeHost, isEncoded, type EncodedHost } from './encoded-host.js';
export { DEFAULT_STORE_PATH, isPostgresUrl } from './store-url.js';

export interface OpenStoreOptions {
  /** Create a missing SQLite file (default true). Read-only commands pass false to report a wrong --db. */
  create?: boolean;
}

export async function openStore(
  url: string = DEFAULT_STORE_PATH,
  opts: OpenStoreOptions = {},
): Promise<Store> {
  if (isPostgresUrl(url)) {
    const { openPostgresDriver } = await import('./postgres/postgres-driver.js');
    return SqlStore.open(await openPostgresDriver(url));
  }
  const path = url === '' ? DEFAULT_STORE_PATH : url;
  const db = openSqliteDriver(path, { create: opts.create ?? true });
  // other connections (the writer and checkpoint threads) see the same database only for a file
  return SqlStore.open(db, db.traits.file !== null ? { bulk: sqliteFileWrites(db, db.traits.file) } : {});
}
