// Judgement stays the same whatever path a record takes: Exchange-heavy Shodan files (made by
// bench/gen-shodan.ts --owa logon, committed) give exactly the `--json` host records, classification
// included, that the code gave before the speed work of issue 18 (the `.expected.jsonl` beside each),
// byte for byte, on the calling thread and in worker threads; with the pre-filter off, the records
// with Exchange evidence (plain records are then judged in full: their evidence differs by design).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';

const dir = join(repoRoot, 'test', 'fixtures', 'exchange-heavy');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.generated.jsonl'));

const variants: Array<[string, string[], boolean]> = [
  ['calling thread', ['--workers', '0'], true],
  ['two worker threads', ['--workers', '2'], true],
  ['default worker choice', [], true],
  ['no pre-filter: records with Exchange evidence', ['--workers', '0', '--strict'], false],
];

describe('Exchange-heavy files: the same host records, byte for byte, on every path', () => {
  it('has its fixtures', () => assert.equal(fixtures.length, 2));
  for (const f of fixtures) {
    const want = readFileSync(join(dir, `${f}.expected.jsonl`), 'utf8');
    for (const [name, extra, all] of variants) {
      it(`${f}: ${name}`, async () => {
        const r = await runCli([
          'ingest',
          join(dir, f),
          '--json',
          '--no-store',
          '--no-geo',
          '--as-of',
          '2026-06-01',
          '--quiet',
          ...extra,
        ]);
        assert.equal(r.code, 0, r.stderr);
        const got = r.stdout.split('\n');
        const exp = want.split('\n');
        assert.equal(got.length, exp.length);
        for (let i = 0; i < exp.length; i++)
          if (all || !exp[i]!.includes('"status":"not-exchange"'))
            assert.equal(got[i], exp[i], `${f} line ${i + 1} differs (${name})`);
      });
    }
  }
});
