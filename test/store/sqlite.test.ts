import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/index.js';
import { latestSchemaVersion, migrate, migrations } from '../../src/store/migrations.js';
import { openSqliteDriver } from '../../src/store/sqlite-driver.js';
import { ConfigError } from '../../src/core/errors.js';
import { makeRecord } from './records.js';
import { storeConformance } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

storeConformance('sqlite', () => openStore(join(dir, 'conformance.db')));

describe('SQLite store specifics', () => {
  it('loses only the open batch when the process is killed, and a resume adds no duplicates', async () => {
    const path = join(dir, 'crash.db');
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./kill-child.ts', import.meta.url)), path, 'crash-scan'], { encoding: 'utf8' });
    assert.equal(child.signal, 'SIGKILL', child.stderr);
    const store = await openStore(path);
    try {
      const scan = await store.getScan('crash-scan');
      assert.ok(scan);
      assert.equal(scan.state, 'running');
      const done = await store.doneTargets(scan.id);
      assert.equal(done.size, 100);
      assert.ok(done.has('10.9.0.0:443') && done.has('10.9.0.99:443') && !done.has('10.9.0.100:443'));
      // Resume: write everything again (already-done targets included), then finish.
      const all = Array.from({ length: 200 }, (_, i) => ({ record: makeRecord({ ip: `10.9.${i >> 8}.${i & 255}` }) }));
      await store.addHosts(scan.id, all.slice(0, 150));
      await store.addHosts(scan.id, all.slice(100));
      await store.finishScan(scan.id, 'complete');
      assert.deepEqual((await store.getScan(scan.id))?.counts, { hosts: 200, exchange: 200, suspect: 0 });
      assert.equal((await store.doneTargets(scan.id)).size, 200);
    } finally {
      await store.close();
    }
    const db = new Database(path, { readonly: true });
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
  });

  it('applies each migration once and records it', async () => {
    const path = join(dir, 'migrate.db');
    await (await openStore(path)).close();
    await (await openStore(path)).close();
    const db = new Database(path);
    const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>;
    assert.deepEqual(rows.map((r) => r.version), migrations.map((m) => m.version));
    assert.equal(latestSchemaVersion(), migrations.length);
    db.close();
    // A new numbered migration is applied to an existing store, once.
    const driver = openSqliteDriver(path);
    const extra = [...migrations, { version: 99, name: 'test column', sql: 'ALTER TABLE scans ADD COLUMN note TEXT;' }];
    assert.deepEqual(await migrate(driver, extra), [99]);
    assert.deepEqual(await migrate(driver, extra), []);
    await driver.close();
  });

  it('reports an unusable path as a configuration error', async () => {
    await assert.rejects(openStore(join(dir, 'no-such-dir', 'x.db')), (e: unknown) => e instanceof ConfigError && e.code === 'E_STORE_OPEN');
  });
});
