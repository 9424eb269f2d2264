// SqlDriver.values: rows as arrays in select order, with the values all() gives (the host order
// reads a scan this way), on SQLite and on PostgreSQL when EXCENSUS_TEST_PG is set.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteAndPostgres } from '../helpers/stores.js';
import { isPostgresUrl } from '../../src/store/index.js';
import { openSqliteDriver } from '../../src/store/sqlite/sqlite-driver.js';
import { openPostgresDriver } from '../../src/store/postgres/postgres-driver.js';
import { migrate } from '../../src/store/migrations.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-values-'));
after(() => rmSync(dir, { recursive: true, force: true }));

for (const { name, db: url } of sqliteAndPostgres(dir, 'v.db', 'excensus_values')) {
  describe(`SqlDriver.values: ${name}`, () => {
    it('gives each row as an array of its values in select order', async () => {
      const db = isPostgresUrl(url) ? await openPostgresDriver(url) : openSqliteDriver(url);
      try {
        await migrate(db);
        await db.run(`INSERT INTO families (bit, name) VALUES (?, ?), (?, ?)`, [0, 'ProxyLogon', 40, 'Wide']);
        const sql = 'SELECT name, bit, NULL AS missing FROM families WHERE bit >= ? ORDER BY bit';
        const arrays = await db.values(sql, [0]);
        const objects = await db.all(sql, [0]);
        assert.deepEqual(
          arrays,
          objects.map((o) => [o.name, o.bit, o.missing]),
        );
        assert.deepEqual(
          arrays.map((r) => [r[0], Number(r[1]), r[2]]),
          [
            ['ProxyLogon', 0, null],
            ['Wide', 40, null],
          ],
        );
        // the same text asked for objects again still gives objects
        assert.equal((await db.all(sql, [0]))[0]?.name, 'ProxyLogon');
      } finally {
        await db.close();
      }
    });
  });
}
