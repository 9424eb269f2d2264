// A distributed ingest is judged with the knowledge base it was enqueued with: a worker that chose
// another (--kb) fails its shard with the reason, and stores nothing, so the scan's label (its
// kb_version) always describes its verdicts; a worker with the same KB then finishes it.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';
import { dropSchemas, hostsOf, openStore, pgUrl, schemaUrl, startWorker } from './helpers.js';

if (!pgUrl) {
  describe('distributed ingest and the knowledge base', () => {
    it(
      'skipped: set EXCENSUS_TEST_PG=postgres://postgres@127.0.0.1:5432/test to run it',
      { skip: 'EXCENSUS_TEST_PG is not set' },
      () => {},
    );
  });
} else {
  describe('distributed ingest and the knowledge base', () => {
    const schemas: string[] = [];
    after(async () => dropSchemas(...schemas));

    it('a worker judging with another KB fails the shard; one with the same KB finishes it', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'excensus-dist-kb-'));
      const kb = join(dir, 'kb');
      mkdirSync(kb);
      const data = (name: string) => readFileSync(join(repoRoot, 'data', name), 'utf8');
      writeFileSync(
        join(kb, 'builds.json'),
        data('builds.json').replaceAll('"release":"Exchange Server', '"release":"KBTEST Exchange Server'),
      );
      writeFileSync(join(kb, 'lifecycle.json'), data('lifecycle.json'));
      writeFileSync(join(kb, 'cves.json'), data('cves.json'));
      const { url, schema } = schemaUrl('kb');
      schemas.push(schema);
      const input = join(repoRoot, 'test/fixtures/exchange-heavy/shodan-owa-logon-100pct.generated.jsonl');
      const q = await runCli([
        'ingest',
        input,
        '--db',
        url,
        '--queue',
        '--name',
        'kb',
        '--as-of',
        '2026-01-01',
      ]);
      assert.equal(q.code, 0, q.stderr);

      const other = startWorker(url, 'k1', ['--exit-when-idle', '--kb', kb]);
      assert.equal((await other.exited).code, 0, other.stderr());
      assert.match(other.stderr(), /judges with knowledge base .*, but scan "kb" was enqueued with /);
      const store = await openStore(url);
      try {
        assert.equal((await hostsOf(store, 'kb')).size, 0, 'nothing stored under the other KB');
        if (/dead-lettered/.test(other.stderr())) {
          const retry = await runCli(['scans', 'retry', 'kb', '--db', url]);
          assert.equal(retry.code, 0, retry.stderr);
        }
        const same = startWorker(url, 'k2', ['--exit-when-idle']);
        assert.equal((await same.exited).code, 0, same.stderr());
        assert.match(same.stderr(), /scan "kb" complete/);
        assert.equal((await hostsOf(store, 'kb')).size, 24);
      } finally {
        await store.close();
      }
    });
  });
}
