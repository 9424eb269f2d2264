// What a --db value names, decided without opening anything (no driver loaded): a path means
// SQLite, a postgres:// URL means PostgreSQL.
export const DEFAULT_STORE_PATH = './excensus.db';

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}
