import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/index.js';
import { SqlStore } from '../../src/store/sql-store.js';
import { latestSchemaVersion, migrate, migrations } from '../../src/store/migrations.js';
import { SQLITE_AUTOCHECKPOINT, openSqliteDriver } from '../../src/store/sqlite/sqlite-driver.js';
import { sqliteFileWrites } from '../../src/store/sqlite/file-writes.js';
import { ConfigError } from '../../src/core/errors.js';
import { makeRecord } from './records.js';
import { meta, storeConformance } from './conformance.js';
import { censusEquivalence } from './census-equivalence.js';
import { roundTrip } from './round-trip.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

storeConformance('sqlite', () => openStore(join(dir, 'conformance.db')));
censusEquivalence('sqlite', () => openStore(join(dir, 'equivalence.db')));
censusEquivalence('sqlite', () => openStore(join(dir, 'equivalence-1.db')), false);
roundTrip('sqlite', () => openStore(join(dir, 'round-trip.db')));

describe('SQLite store specifics', () => {
  for (const size of [100, 1200]) {
    it(`loses only the open batch when the process is killed, and a resume adds no duplicates (batches of ${size})`, async () => {
      const path = join(dir, `crash-${size}.db`);
      const child = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          fileURLToPath(new URL('./kill-child.ts', import.meta.url)),
          path,
          'crash-scan',
          String(size),
        ],
        { encoding: 'utf8' },
      );
      assert.equal(child.signal, 'SIGKILL', child.stderr);
      const store = await openStore(path);
      const ip = (i: number): string => `10.9.${i >> 8}.${i & 255}`;
      try {
        const scan = await store.getScan('crash-scan');
        assert.ok(scan);
        assert.equal(scan.state, 'running');
        const done = await store.doneTargets(scan.id);
        assert.equal(done.size, size);
        assert.ok(
          done.has(`${ip(0)}:443`) && done.has(`${ip(size - 1)}:443`) && !done.has(`${ip(size)}:443`),
        );
        // Resume: write everything again (already-done targets included), then finish.
        const all = Array.from({ length: 2 * size }, (_, i) => ({ record: makeRecord({ ip: ip(i) }) }));
        await store.addHosts(scan.id, all.slice(0, size * 1.5));
        await store.addHosts(scan.id, all.slice(size));
        await store.finishScan(scan.id, 'complete');
        assert.deepEqual((await store.getScan(scan.id))?.counts, {
          hosts: 2 * size,
          exchange: 2 * size,
          suspect: 0,
        });
        assert.equal((await store.doneTargets(scan.id)).size, 2 * size);
      } finally {
        await store.close();
      }
      const db = new Database(path, { readonly: true });
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      db.close();
    });
  }

  it('checkpoints on its own thread while writing: the database file grows before close, nothing is lost', async () => {
    const path = join(dir, 'checkpoints.db');
    const driver = openSqliteDriver(path);
    const store = await SqlStore.open(driver, {
      bulk: sqliteFileWrites(driver, path, { checkpointBytes: 64 << 10 }),
    });
    const id = await store.createScan(meta());
    const ip = (i: number): string => `10.8.${i >> 8}.${i & 255}`;
    const initial = statSync(path).size;
    try {
      for (let b = 0; b < 20; b++) {
        // a full record with a large observation each: about 20 KB per record
        await store.addHosts(
          id,
          Array.from({ length: 10 }, (_, i) => ({
            record: makeRecord({ ip: ip(b * 10 + i) }),
            observation: { kind: 'line', reader: 'shodan', text: 'x'.repeat(20000) },
          })),
        );
      }
      // the writing connection checkpoints no more: only the thread copies pages into the file
      for (let i = 0; i < 100 && statSync(path).size <= initial + (1 << 20); i++)
        await new Promise((r) => setTimeout(r, 50));
      assert.ok(
        statSync(path).size > initial + (1 << 20),
        `pages copied into the database file while open: ${statSync(path).size} bytes`,
      );
      await store.finishScan(id, 'complete');
    } finally {
      await store.close();
    }
    assert.equal(
      existsSync(`${path}-wal`),
      false,
      'the last connection checkpointed the rest and removed the WAL',
    );
    const again = await openStore(path);
    try {
      assert.equal((await again.doneTargets(id)).size, 200);
    } finally {
      await again.close();
    }
  });

  it('keeps the WAL bounded while batches keep coming: it starts over after the thread checkpoints', async () => {
    const path = join(dir, 'wal-bounded.db');
    const driver = openSqliteDriver(path);
    const store = await SqlStore.open(driver, {
      bulk: sqliteFileWrites(driver, path, { checkpointBytes: 1 << 20 }),
    });
    const id = await store.createScan(meta());
    const walSize = (): number => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
    let batch = 0;
    const write = async (): Promise<void> => {
      const b = batch++;
      await store.addHosts(
        id,
        Array.from({ length: 20 }, (_, i) => ({
          record: makeRecord({ ip: `10.${6 + (b >> 8)}.${b & 255}.${i}` }),
          observation: { kind: 'line', reader: 'shodan', text: 'z'.repeat(5000) },
        })),
      );
      // no turn of the event loop between batches (as reclassify's loop): the thread's progress must still be seen
    };
    try {
      // until the thread has checkpointed once (its start-up lets the WAL grow meanwhile)
      const initial = statSync(path).size;
      while (statSync(path).size <= initial + (1 << 20)) await write();
      for (let i = 0; i < 300; i++) await write(); // ~30 MB: the WAL file reaches its largest size
      const before = walSize();
      for (let i = 0; i < 300; i++) await write(); // ~30 MB more
      // kept at its largest size but written from its start again after each checkpoint: it grows no more
      // than a checkpoint thread lagging on a busy machine lets it (17.5 MB seen once in CI); without the
      // writer catching up after the thread it grew with everything written (+30 to +50 MB here)
      assert.ok(walSize() < before + (24 << 20), `WAL ${before} bytes, then ${walSize()} after 30 MB more`);
    } finally {
      await store.close();
    }
    const again = await openStore(path);
    try {
      assert.equal((await again.doneTargets(id)).size, batch * 20);
    } finally {
      await again.close();
    }
  });

  it('starts no checkpoint thread for a small write: the connection keeps its own checkpoints', async () => {
    const path = join(dir, 'small-write.db');
    const driver = openSqliteDriver(path);
    const store = await SqlStore.open(driver, { bulk: sqliteFileWrites(driver, path) });
    try {
      const id = await store.createScan(meta());
      for (let b = 0; b < 3; b++) await store.addHosts(id, [{ record: makeRecord({ ip: `10.7.0.${b}` }) }]);
      // a started thread turns the connection's automatic checkpoints off (0)
      const setting = Number((await driver.all('PRAGMA wal_autocheckpoint'))[0]?.wal_autocheckpoint);
      assert.equal(setting, SQLITE_AUTOCHECKPOINT);
      assert.equal((await store.doneTargets(id)).size, 3);
    } finally {
      await store.close();
    }
  });

  it('hands checkpointing back to the writing connection when the checkpoint thread fails', async () => {
    const path = join(dir, 'handoff.db');
    // the thread opens a file that is not there: it fails at once
    const driver = openSqliteDriver(path);
    const store = await SqlStore.open(driver, {
      bulk: sqliteFileWrites(driver, path, {
        threadPath: join(dir, 'missing', 'handoff.db'),
        checkpointBytes: 1, // the thread starts before the second write
      }),
    });
    try {
      const id = await store.createScan(meta());
      await store.addHosts(id, [{ record: makeRecord({ ip: '10.5.0.1' }) }]);
      await store.addHosts(id, [{ record: makeRecord({ ip: '10.5.0.3' }) }]);
      const setting = async (): Promise<number> =>
        Number((await driver.all('PRAGMA wal_autocheckpoint'))[0]?.wal_autocheckpoint);
      // the thread fails once it has started: under load that can take seconds
      for (let i = 0; i < 500 && (await setting()) === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await setting(), SQLITE_AUTOCHECKPOINT, 'the writer checkpoints by itself again');
      await store.addHosts(id, [{ record: makeRecord({ ip: '10.5.0.2' }) }]);
      assert.equal((await store.doneTargets(id)).size, 3);
    } finally {
      await store.close();
    }
  });

  it('closes while a checkpoint runs without ending the process early (10 runs)', () => {
    for (let run = 0; run < 10; run++) {
      const path = join(dir, `close-${run}.db`);
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(new URL('./close-child.ts', import.meta.url)), path],
        { encoding: 'utf8' },
      );
      assert.equal(child.status, 0, `run ${run}: exit ${child.status} ${child.stderr}`);
      assert.equal(child.stdout, 'closed\n');
    }
  });

  it('applies each migration once and records it', async () => {
    const path = join(dir, 'migrate.db');
    await (await openStore(path)).close();
    await (await openStore(path)).close();
    const db = new Database(path);
    const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as Array<{
      version: number;
    }>;
    assert.deepEqual(
      rows.map((r) => r.version),
      migrations.map((m) => m.version),
    );
    assert.equal(latestSchemaVersion(), Math.max(...migrations.map((m) => m.version)));
    db.close();
    // A new numbered migration is applied to an existing store, once.
    const driver = openSqliteDriver(path);
    const extra = [
      ...migrations,
      { version: 99, name: 'test column', sql: 'ALTER TABLE scans ADD COLUMN note TEXT;' },
    ];
    assert.deepEqual(await migrate(driver, extra), [99]);
    assert.deepEqual(await migrate(driver, extra), []);
    await driver.close();
  });

  it('stores each distinct verdict once, and still reads records stored with theirs inline (before migration 7)', async () => {
    const path = join(dir, 'verdicts.db');
    const store = await openStore(path);
    const id = await store.createScan(meta());
    const a = makeRecord({ ip: '192.0.2.71', vulns: [['ProxyShell', 'vulnerable']] });
    const b = makeRecord({ ip: '192.0.2.72', vulns: [['ProxyShell', 'vulnerable']] }); // an equal verdict, another object
    const c = makeRecord({
      ip: '192.0.2.73',
      release: 'Exchange Server 2016 CU22',
      vulns: [['ProxyShell', 'vulnerable']],
    });
    await store.addHosts(id, [
      { record: a },
      { record: b },
      { record: c },
      { record: { ...makeRecord({ ip: '192.0.2.74' }), classification: a.classification } },
    ]);
    await store.close();
    const db = new Database(path);
    assert.equal((db.prepare('SELECT count(*) n FROM verdicts').get() as { n: number }).n, 2);
    const stored = db
      .prepare("SELECT d.record FROM host_data d JOIN hosts h ON h.id = d.host_id WHERE h.ip = '192.0.2.71'")
      .get() as { record: string };
    assert.equal(
      (JSON.parse(stored.record) as Record<string, unknown>).vulns,
      undefined,
      'the record JSON leaves the verdict out',
    );
    // a record as migration 6 stored it: its classification inline, no verdict id
    const inline = db
      .prepare(
        "SELECT d.host_id, d.record FROM host_data d JOIN hosts h ON h.id = d.host_id WHERE h.ip = '192.0.2.73'",
      )
      .get() as { host_id: number; record: string };
    const verdict = db
      .prepare('SELECT v.body FROM verdicts v JOIN host_data d ON d.verdict_id = v.id WHERE d.host_id = ?')
      .get(inline.host_id) as { body: string };
    db.prepare('UPDATE host_data SET record = ?, verdict_id = NULL WHERE host_id = ?').run(
      JSON.stringify({ ...JSON.parse(inline.record), ...JSON.parse(verdict.body) }),
      inline.host_id,
    );
    db.close();
    const again = await openStore(path);
    try {
      const got = new Map<string, unknown>();
      for await (const h of again.iterateHosts(id)) got.set(h.record.ip, h.record);
      assert.deepEqual(got.get('192.0.2.71'), a);
      assert.deepEqual(got.get('192.0.2.72'), b);
      assert.deepEqual(got.get('192.0.2.73'), c);
    } finally {
      await again.close();
    }
  });

  it('builds the census cubes of scans stored before they existed (migration 2)', async () => {
    const path = join(dir, 'v1.db');
    const driver = openSqliteDriver(path);
    await migrate(
      driver,
      migrations.filter((m) => m.version === 1),
    );
    // A scan as the version-1 store left it: hosts and a fresh census_summary, no cubes.
    await driver.exec(`INSERT INTO scans (id, name, kind, source, series, started_at, inputs, options, state, data_version, summary_version)
      VALUES (1, 'old', 'ingest', 'shodan', 'shodan', '2025-01-01T00:00:00Z', '[]', '{}', 'complete', 1, 1);
      INSERT INTO hosts (scan_id, ip, port, source, observed_at, status, is_exchange, suspect, product, eol_date, asn, asn_org)
      VALUES (1, '192.0.2.7', 443, 'shodan', '2025-01-01T00:00:00Z', 'exchange', 1, 0, 'Exchange Server 2013', '2023-04-11', 3320, 'DTAG');
      INSERT INTO census_summary (scan_id, product, status, eol_date, is_exchange, suspect, vuln_mask, likely_mask, n)
      VALUES (1, 'Exchange Server 2013', 'exchange', '2023-04-11', 1, 0, 0, 0, 1);`);
    await driver.close();
    const store = await openStore(path);
    try {
      assert.deepEqual((await store.getScan('old'))?.counts, { hosts: 1, exchange: 1, suspect: 0 });
      const [net] = await store.census({ scanId: 1, groupBy: ['asn'], asOf: '2024-01-01' });
      assert.deepEqual([net?.group.asn, net?.exchange, net?.eol, net?.asnOrg], [3320, 1, 1, 'DTAG']);
    } finally {
      await store.close();
    }
  });

  it("keeps each scan's rows its own when the id sequence was set back (a row skipped for its id goes in anew)", async () => {
    const path = join(dir, 'sequence.db');
    const store = await openStore(path);
    try {
      const meta = (name: string) => ({
        name,
        kind: 'ingest' as const,
        source: 'shodan',
        series: 's',
        startedAt: '2025-11-20T00:00:00Z',
        inputs: [],
        options: {},
      });
      const a = await store.createScan(meta('a'));
      await store.addHosts(
        a,
        [1, 2, 3].map((i) => ({
          record: makeRecord({ ip: `192.0.2.${i}`, kind: 'not-exchange' }),
          observation: { kind: 'json', json: '{}' },
        })),
      );
      const raw = new Database(path);
      raw.prepare("UPDATE sqlite_sequence SET seq = 0 WHERE name = 'hosts'").run();
      raw.close();
      const b = await store.createScan(meta('b'));
      await store.addHosts(
        b,
        [1, 2].map((i) => ({
          record: makeRecord({ ip: `192.0.2.${i}` }),
          observation: { kind: 'json', json: '{}' },
        })),
      );
      const statuses = async (id: number) => {
        const out: string[] = [];
        for await (const h of store.iterateHosts(id)) out.push(`${h.record.ip} ${h.record.status}`);
        return out.sort();
      };
      assert.deepEqual(
        await statuses(a),
        ['192.0.2.1 not-exchange', '192.0.2.2 not-exchange', '192.0.2.3 not-exchange'],
        'scan a untouched',
      );
      assert.deepEqual(
        await statuses(b),
        ['192.0.2.1 exchange', '192.0.2.2 exchange'],
        'scan b stored in full',
      );
    } finally {
      await store.close();
    }
  });

  it('reports an unusable path as a configuration error', async () => {
    await assert.rejects(
      openStore(join(dir, 'no-such-dir', 'x.db')),
      (e: unknown) => e instanceof ConfigError && e.code === 'E_STORE_OPEN',
    );
  });
});
