// Child process for the crash test: commits one batch, then SIGKILLs itself while the second
// batch's transaction is open and has written rows (no cleanup, no rollback by this process).
// Batches under 1,000 records are written on the calling thread: the kill comes from inside the
// driver, on the second INSERT of the open transaction. Larger ones go to the writer thread
// (sql-store.ts): the second batch is large enough that SQLite spills uncommitted pages into the
// WAL, and the kill comes as soon as the WAL grows, before the commit.
import { statSync } from 'node:fs';
import { openStore } from '../../src/store/index.js';
import { SqlStore } from '../../src/store/sql-store.js';
import { openSqliteDriver } from '../../src/store/sqlite/sqlite-driver.js';
import type { SqlDriver } from '../../src/store/driver.js';
import type { StoredHost } from '../../src/store/store.js';
import { makeRecord } from './records.js';

const [path, name, sizeArg] = process.argv.slice(2) as [string, string, string | undefined];
const size = Number(sizeArg ?? 100);
const threaded = size >= 1000;
let armed = false;
let inserts = 0;

/** The real driver, except that once armed its second INSERT into hosts kills the process. */
function killingDriver(inner: SqlDriver): SqlDriver {
  const after = (sql: string): void => {
    if (armed && /^\s*INSERT (?:OR IGNORE )?INTO hosts\b/.test(sql) && ++inserts === 2)
      process.kill(process.pid, 'SIGKILL');
  };
  return {
    traits: inner.traits,
    exec: (sql) => inner.exec(sql),
    transaction: (fn) => inner.transaction(fn),
    close: () => inner.close(),
    values: (sql, params) => inner.values(sql, params),
    async all(sql, params) {
      const rows = await inner.all(sql, params);
      after(sql);
      return rows;
    },
    async run(sql, params) {
      const r = await inner.run(sql, params);
      after(sql);
      return r;
    },
  };
}

const store = threaded ? await openStore(path) : await SqlStore.open(killingDriver(openSqliteDriver(path)));
const id = await store.createScan({
  name,
  kind: 'scan',
  source: 'probe',
  series: 'crash',
  startedAt: '2025-11-20T00:00:00Z',
  inputs: [],
  options: {},
});
const host = (i: number): StoredHost => ({ record: makeRecord({ ip: `10.9.${i >> 8}.${i & 255}` }) }); // i < 65,536: distinct
await store.addHosts(
  id,
  Array.from({ length: size }, (_, i) => host(i)),
);
if (!threaded) {
  armed = true;
  await store.addHosts(
    id,
    Array.from({ length: size }, (_, i) => host(size + i)),
  );
} else {
  const wal = `${path}-wal`;
  const before = statSync(wal).size;
  const watch = setInterval(() => {
    if (statSync(wal).size > before) process.kill(process.pid, 'SIGKILL');
  }, 1);
  await store.addHosts(
    id,
    Array.from({ length: 60_000 }, (_, i) => host(size + i)),
  );
  clearInterval(watch);
}
// not reached: the batch above was to be cut short
process.stderr.write('kill-child: the second batch committed before the kill\n');
process.exit(3);
