// The generated rule definitions (data/fingerprints.generated.json, scripts/compile-rules.ts) are
// what the YAML rule files validate to; loading takes them only while the files are unchanged.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileRules, defaultRulesDir, loadRules } from '../../src/fingerprint/index.js';
import { compiledRulesPath } from '../../src/fingerprint/compiled-rules.js';

describe('generated rule definitions', () => {
  it('are up to date with data/fingerprints (npm run compile-rules)', () => {
    const path = compiledRulesPath(defaultRulesDir());
    assert.equal(readFileSync(path, 'utf8'), `${JSON.stringify(compileRules(), null, 1)}\n`);
  });

  it('are taken while the rule files are unchanged, and ignored once one changes', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'excensus-rules-'));
    try {
      const dir = join(tmp, 'rules');
      cpSync(defaultRulesDir(), dir, { recursive: true });
      const compiled = compileRules(dir);
      // a generated file that says something else of the same files is believed (it is what they validate to)
      const marked = structuredClone(compiled);
      marked.defs[0]!.description = 'from the generated file';
      writeFileSync(join(tmp, 'rules.generated.json'), JSON.stringify(marked));
      assert.equal(loadRules(dir).rules[0]!.def.description, 'from the generated file');
      // once a rule file changes, its hash no longer matches: the YAML is read again
      const copy = join(tmp, 'copy');
      cpSync(dir, copy, { recursive: true });
      writeFileSync(join(tmp, 'copy.generated.json'), JSON.stringify(marked));
      const file = join(copy, 'fronts.yaml');
      writeFileSync(file, `${readFileSync(file, 'utf8')}\n# edited\n`);
      assert.equal(loadRules(copy).rules[0]!.def.description, compiled.defs[0]!.description);
      // an unreadable generated file is ignored too
      const broken = join(tmp, 'broken');
      cpSync(dir, broken, { recursive: true });
      writeFileSync(join(tmp, 'broken.generated.json'), '{');
      assert.deepEqual(
        loadRules(broken).rules.map((r) => r.def.id),
        compiled.defs.map((d) => d.id),
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('give the same rules as the YAML files', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'excensus-rules-'));
    try {
      const dir = join(tmp, 'rules'); // no generated file beside it: read from YAML
      cpSync(defaultRulesDir(), dir, { recursive: true });
      const plain = (defs: unknown): unknown => JSON.parse(JSON.stringify(defs));
      assert.deepEqual(
        plain(loadRules().rules.map((r) => r.def)),
        plain(loadRules(dir).rules.map((r) => r.def)),
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
