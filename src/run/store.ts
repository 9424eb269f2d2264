// Opening the store for a use case: a bad --db is a configuration error that names it, and
// commands that only read never create a database at a mistyped path.
import { storeLabel } from '../core/printable.js';
import { ConfigError } from '../core/errors.js';
import type { Store } from '../store/index.js';
import { DEFAULT_STORE_PATH } from '../store/store-url.js';

export { DEFAULT_STORE_PATH, isPostgresUrl } from '../store/store-url.js';

/** Opens the store at `db` (a SQLite path or a postgres:// URL) for writing; creates a missing SQLite file. */
export function openStoreForWriting(db: string | undefined): Promise<Store> {
  return open(db, true);
}

/** Opens an existing store for reading: a missing SQLite file is an error, not a new empty store. */
export function openStoreForReading(db: string | undefined): Promise<Store> {
  return open(db, false);
}

async function open(db: string | undefined, create: boolean): Promise<Store> {
  const url = db ?? DEFAULT_STORE_PATH;
  try {
    // loaded here, not at start-up: a command that stores nothing (ingest --no-store) never loads the drivers
    const { openStore } = await import('../store/index.js');
    return await openStore(url, { create });
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(
      'E_STORE',
      `cannot open the store "${storeLabel(url)}": ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

/** Runs `fn` with the store open and closes it afterwards, whatever happens. */
export async function withStore<T>(store: Store, fn: (store: Store) => Promise<T>): Promise<T> {
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
