// The dependency rule (.dependency-cruiser.cjs, docs/architecture.md) must catch what it forbids:
// run it over a small tree with a forbidden import and a cycle, and over one that keeps the rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '../..');
const depcruise = join(repo, 'node_modules', '.bin', 'depcruise');

function cruise(files: Record<string, string>): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'excensus-layering-'));
  try {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext' } }));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const r = spawnSync(depcruise, ['src', '--config', join(repo, '.dependency-cruiser.cjs')], {
      cwd: dir,
      encoding: 'utf8',
    });
    return { status: r.status, output: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('an import against the layers fails the check, naming the rule and the files', () => {
  const r = cruise({
    'src/cli/main.ts': 'export const main = 1;\n',
    'src/store/store.ts': "import { main } from '../cli/main.js';\nexport const store = main;\n",
  });
  assert.notEqual(r.status, 0);
  assert.match(r.output, /layer-store: src\/store\/store\.ts → src\/cli\/main\.ts/);
});

test('a cycle fails the check, even inside one folder and through type-only imports', () => {
  const r = cruise({
    'src/core/a.ts': "import type { B } from './b.js';\nexport interface A { b?: B }\n",
    'src/core/b.ts': "import type { A } from './a.js';\nexport interface B { a?: A }\n",
  });
  assert.notEqual(r.status, 0);
  assert.match(r.output, /no-circular/);
});

test('imports that keep the rule pass', () => {
  const r = cruise({
    'src/core/types.ts': 'export type T = number;\n',
    'src/store/store.ts': "import type { T } from '../core/types.js';\nexport const n: T = 1;\n",
    'src/run/use.ts': "import { n } from '../store/store.js';\nexport const m = n;\n",
    'src/cli/main.ts': "import { m } from '../run/use.js';\nexport const k = m;\n",
  });
  assert.equal(r.status, 0, r.output);
});
