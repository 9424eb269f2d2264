// The published package must carry what `npm install` needs to build the native addon: every
// source binding.gyp compiles and every header those sources include (else the build fails there
// and ingest silently falls back to JavaScript).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('the package file list holds every native source and header the build needs', () => {
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as Array<{ files: Array<{ path: string }> }>;
  const files = new Set(packed[0]!.files.map((f) => f.path));
  const gyp = readFileSync(`${root}native/binding.gyp`, 'utf8');
  const sources = [...gyp.matchAll(/"([\w-]+\.c)"/g)].map((m) => `native/${m[1]}`);
  assert.ok(sources.length >= 2, 'binding.gyp names its sources');
  const headers = sources.flatMap((s) =>
    [...readFileSync(`${root}${s}`, 'utf8').matchAll(/#include "([\w.-]+)"/g)].map((m) => `native/${m[1]}`),
  );
  assert.ok(headers.length > 0);
  for (const f of ['native/binding.gyp', 'scripts/build-native.mjs', ...sources, ...headers])
    assert.ok(files.has(f), `${f} is packed`);
});
