#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's test runner through tsx.
// Usage: node scripts/run-tests.mjs [path-substring ...]  (filters test files)
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const filters = process.argv.slice(2);
const files = walk('test', [])
  .sort()
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Tests never see the user's knowledge bases: an empty data dir of their own, nothing pinned.
const dataDir = mkdtempSync(join(tmpdir(), 'excensus-test-data-'));
const env = { ...process.env, EXCENSUS_DATA_DIR: dataDir, XDG_DATA_HOME: join(dataDir, 'xdg') };
delete env.EXCENSUS_KB;
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  env,
});
rmSync(dataDir, { recursive: true, force: true });
process.exit(res.status ?? 1);
