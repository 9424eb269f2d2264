// Compiles native/block_scan.c with node-gyp (npm's own copy) against the installed Node headers.
// The native loop only makes ingest faster: when it cannot be built, this prints why and exits 0,
// and ingest uses its JavaScript loop. With EXCENSUS_REQUIRE_NATIVE=1 (CI) a failed build fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const candidates = [
  process.env.npm_config_node_gyp,
  join(
    dirname(process.execPath),
    '..',
    'lib',
    'node_modules',
    'npm',
    'node_modules',
    'node-gyp',
    'bin',
    'node-gyp.js',
  ),
].filter((p) => p && existsSync(p));
const args = ['rebuild', '--directory', join(root, 'native')];
// Node's headers from the system package (no download: this machine has no internet)
const systemHeaders = join(dirname(process.execPath), '..', 'include', 'node', 'node_api.h');
if (!process.env.npm_config_nodedir && existsSync(systemHeaders))
  args.push(`--nodedir=${join(dirname(process.execPath), '..')}`);

const fail = (why) => {
  process.stderr.write(
    `excensus: native scanner not built (${why}); ingest will use its JavaScript scanner\n`,
  );
  process.exit(process.env.EXCENSUS_REQUIRE_NATIVE === '1' ? 1 : 0);
};
if (candidates.length === 0) fail('node-gyp not found');
const r = spawnSync(process.execPath, [candidates[0], ...args], {
  stdio: ['ignore', 'ignore', 'pipe'],
  encoding: 'utf8',
});
if (r.status !== 0)
  fail(`node-gyp exited ${r.status}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
process.stderr.write('excensus: native scanner built (native/build/Release/block_scan.node)\n');
