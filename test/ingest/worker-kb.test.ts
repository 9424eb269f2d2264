// Worker threads judge with the knowledge base the command chose (--kb), not the bundled one: the
// choice is made per thread, so the calling thread hands it on. A KB that calls Exchange Server
// 2019 hosted and renames its releases gives the same records and counts with and without threads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-worker-kb-'));
const kb = join(dir, 'kb');
const data = (name: string) => readFileSync(join(repoRoot, 'data', name), 'utf8');
mkdirSync(kb);
writeFileSync(
  join(kb, 'builds.json'),
  data('builds.json').replaceAll('"release":"Exchange Server', '"release":"KBTEST Exchange Server'),
);
writeFileSync(
  join(kb, 'lifecycle.json'),
  data('lifecycle.json').replace(
    /(\{"product":"Exchange Server 2019"[^\n]*?)"on_premises":true/,
    '$1"on_premises":false',
  ),
);
writeFileSync(join(kb, 'cves.json'), data('cves.json'));

const input = join(repoRoot, 'test/fixtures/exchange-heavy/shodan-owa-logon-100pct.generated.jsonl');

for (const [name, extra] of [
  ['--no-store --json', ['--no-store', '--json']],
  ['into a store', ['--db', join(dir, 'DB')]],
] as const) {
  test(`${name}: the chosen KB judges in worker threads as on the calling thread`, async () => {
    const run = async (workers: string) => {
      const args = [
        'ingest',
        input,
        '--kb',
        kb,
        '--as-of',
        '2026-06-01',
        '--no-geo',
        '--quiet',
        '--workers',
        workers,
      ];
      const r = await runCli([...args, ...extra.map((a) => a.replace('DB', `w${workers}.db`))]);
      assert.equal(r.code, 0, r.stderr);
      return r;
    };
    const here = await run('0');
    const threads = await run(name === 'into a store' ? '1' : '2');
    assert.equal(threads.stdout, here.stdout);
    assert.equal(threads.stderr.replaceAll('w1.db', 'w0.db'), here.stderr);
    if (name !== 'into a store') {
      assert.match(here.stdout, /KBTEST Exchange Server/, 'the chosen KB named the releases');
      assert.match(here.stdout, /not an on-premises server/, 'the chosen KB called 2019 hosted');
    }
  });
}
