// A record the store refuses is a problem of its line, not the end of the run. A trigger installed
// through the store's own driver refuses two addresses (a plain record and an Exchange one); the
// ingest stores every other record, names both lines and exits 0: SQLite (on the calling
// connection, and on its writer thread for a large first batch) and PostgreSQL (EXCENSUS_TEST_PG),
// records judged on the calling thread and on worker threads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { sqliteAndPostgresEach } from '../helpers/stores.js';
import { openStore } from '../../src/store/index.js';
import { openSqliteDriver } from '../../src/store/sqlite/sqlite-driver.js';
import { openPostgresDriver } from '../../src/store/postgres/postgres-driver.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-refused-'));
const ipOf = (line: number): string => `198.18.${line >> 8}.${line & 255}`;
// ~2 KB a line: the large file spans several blocks and two worker ranges (4 MiB each)
const pad = 'x'.repeat(2000);

/** `n` Shodan records, one per line; every 100th is Exchange (kept with its observation). */
function writeInput(name: string, n: number): string {
  const lines: string[] = [];
  for (let line = 1; line <= n; line++) {
    const exchange = line % 100 === 0;
    lines.push(
      JSON.stringify({
        ip_str: ipOf(line),
        port: 443,
        timestamp: '2025-01-01T00:00:00',
        data: exchange
          ? 'HTTP/1.1 200 OK\r\nX-OWA-Version: 15.1.2507.6\r\n\r\n'
          : `HTTP/1.1 200 OK\r\nServer: nginx\r\n\r\n${pad}`,
      }),
    );
  }
  const file = join(dir, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const cases = [
  // 600 records: one batch under the writer thread's threshold (SQLite writes it on its own connection)
  { name: 'small', n: 600, refused: [345, 500], args: ['--workers', '0'] },
  // 2,400 records in one batch: SQLite's writer thread takes it; worker threads read the file
  { name: 'large', n: 2400, refused: [1234, 1500], args: ['--workers', '2', '--plain-rows'] },
];

const stores = sqliteAndPostgresEach(dir, 'excensus_refused');

/** A store whose hosts table refuses the records of `ips` (a trigger, as a site's policy could add). */
async function refusingStore(url: string, ips: string[], isPg: boolean): Promise<void> {
  await (await openStore(url)).close(); // the schema
  const list = ips.map((ip) => `'${ip}'`).join(', ');
  const db = isPg ? await openPostgresDriver(url) : openSqliteDriver(url);
  try {
    await db.exec(
      isPg
        ? `CREATE FUNCTION refuse_some() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN IF NEW.ip IN (${list}) THEN RAISE EXCEPTION 'refused by test'; END IF; RETURN NEW; END $$;
           CREATE TRIGGER refuse_some BEFORE INSERT OR UPDATE ON hosts
             FOR EACH ROW EXECUTE FUNCTION refuse_some();`
        : `CREATE TRIGGER refuse_some BEFORE INSERT ON hosts WHEN NEW.ip IN (${list})
             BEGIN SELECT RAISE(ABORT, 'refused by test'); END;`,
    );
  } finally {
    await db.close();
  }
}

for (const s of stores)
  for (const c of cases)
    test(`${s.name}, ${c.name}: the refused records are problems of their lines, the rest is stored`, async () => {
      const file = writeInput(`${c.name}.jsonl`, c.n);
      const url = s.db(`${s.name}_${c.name}`);
      await refusingStore(url, c.refused.map(ipOf), s.name === 'postgres');
      const res = await runCli([
        'ingest',
        file,
        '--db',
        url,
        '--name',
        'refused',
        '--as-of',
        '2026-01-01',
        '--no-geo',
        '--quiet',
        ...c.args,
      ]);
      assert.equal(res.code, 0, res.stderr);
      for (const line of c.refused)
        assert.match(
          res.stderr,
          new RegExp(
            `${c.name}\\.jsonl:${line}: the store refused the record of ${ipOf(line).replaceAll('.', '\\.')}:443: .*refused by test`,
          ),
        );
      assert.match(res.stderr, new RegExp(`${c.n} records .* 2 problems`));
      assert.match(res.stderr, new RegExp(`stored ${c.n - 2} records`));
      const store = await openStore(url);
      try {
        const scan = await store.getScan('refused');
        assert.equal(scan?.state, 'complete');
        assert.equal(scan?.counts.hosts, c.n - 2);
        assert.equal(scan?.counts.exchange, Math.floor(c.n / 100) - 1);
        const done = await store.doneTargets(scan.id);
        for (let line = 1; line <= c.n; line++)
          assert.equal(done.has(`${ipOf(line)}:443`), !c.refused.includes(line), `line ${line}`);
      } finally {
        await store.close();
      }
    });
