// A worker pointed at a store written by a newer excensus refuses it, as every other command does
// (exit 1, E_STORE_NEWER), before pg-boss starts: no queue schema is created in that database.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { latestSchemaVersion } from '../../src/store/migrations.js';
import { dropSchemas, openStore, pgUrl, schemaUrl, sql } from './helpers.js';

if (!pgUrl) {
  describe('worker and a newer store', () => {
    it(
      'skipped: set EXCENSUS_TEST_PG=postgres://postgres@127.0.0.1:5432/test to run it',
      { skip: 'EXCENSUS_TEST_PG is not set' },
      () => {},
    );
  });
} else {
  describe('worker and a newer store', () => {
    const { url, schema } = schemaUrl('newer');
    after(() => dropSchemas(schema));

    it('is refused with exit 1 and no pg-boss schema is created', async () => {
      await (await openStore(url)).close();
      const future = latestSchemaVersion() + 1;
      await sql(
        `INSERT INTO "${schema}".schema_migrations (version, name, applied_at) VALUES ($1, 'from the future', 'x')`,
        [future],
      );
      const r = await runCli(['worker', '--db', url, '--exit-when-idle', '--id', 'newer']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /written by a newer excensus.*\[E_STORE_NEWER\]/);
      assert.match(r.stderr, new RegExp(`schema version ${future}\\b`));
      assert.doesNotMatch(r.stderr, /internal error|at .*\.ts:/);
      const boss = await sql('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [
        `${schema}_boss`,
      ]);
      assert.equal(boss.length, 0, 'pg-boss created its schema in a store it must not touch');
    });
  });
}
