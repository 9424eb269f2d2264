// bench/ingest-store.ts runs its measurements in a child whose code is a string (so the compiler
// never sees it): the use-case layer moved the store path once and the benchmark broke unseen. A tiny
// run of each mode keeps it working (this checks that it runs, not how fast).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../helpers/cli.js';

describe('bench/ingest-store.ts', () => {
  for (const extra of [[], ['--rows']]) {
    it(`runs its pipeline and store children ${extra.join(' ')}`, () => {
      const res = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          join(repoRoot, 'bench', 'ingest-store.ts'),
          '--records',
          '3000',
          '--tsx',
          ...extra,
        ],
        { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 },
      );
      assert.equal(res.status, 0, res.stderr);
      assert.match(res.stdout, /^pipeline .* records\/s/m);
      assert.match(res.stdout, /^store .* 3,000 stored/m);
      if (extra.length) assert.match(res.stdout, /^store-rows .* 3,000 stored/m);
    });
  }
});
