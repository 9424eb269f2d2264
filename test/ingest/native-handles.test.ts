// The native addon's handles (a block scanner, a skeleton whitelist) are checked where they are
// used: a malformed whitelist or a handle of the wrong kind is a thrown error, not a crash of the
// process. Run in a child: before the checks, these calls ended the process (SIGSEGV).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { nativeScanner } from '../../src/ingest/fast/native-scan.js';
import { repoRoot } from '../helpers/cli.js';

const CHILD = `
import { nativeScanner } from './src/ingest/fast/native-scan.ts';
import { BlockScanner } from './src/ingest/fast/anchor-scan.ts';
const lib = nativeScanner();
const outcome = (f) => { try { f(); return 'returned'; } catch (e) { return e.name + ': ' + e.message; } };
const scanner = new BlockScanner([{ text: 'owa', exact: false }]).native.handle;
const skeleton = lib.skeletonCompile(Int32Array.from([0]), Buffer.from('a'), Int32Array.from([0, 1]));
const buf = Buffer.from('{"a":1}\\n');
const out = {
  malformed: outcome(() => lib.skeletonCompile(Int32Array.from([1, 0, 0x7fffff00]), Buffer.from('a'), Int32Array.from([0, 1]))),
  skeletonGivenScanner: outcome(() => lib.skeleton(scanner, buf, 0, 7, new Int32Array(4100), new Float64Array(1024), Buffer.alloc(1 << 18))),
  scanGivenSkeleton: outcome(() => lib.scan(skeleton, buf, 0, 7, new Int32Array(8), new Int32Array(8))),
  sniffGivenSkeleton: outcome(() => lib.sniffBlock(skeleton, buf, 0, 7, new Int32Array(4), new Int32Array(30), new Int32Array(170), Buffer.alloc(64))),
  fine: outcome(() => lib.skeleton(skeleton, buf, 0, 7, new Int32Array(4100), new Float64Array(1024), Buffer.alloc(1 << 18))),
};
process.stdout.write(JSON.stringify(out));
`;

test('the native addon refuses a malformed whitelist and handles of the wrong kind', (t) => {
  const lib = nativeScanner();
  if (!lib?.skeletonCompile) {
    t.skip('the native addon is not built (npm run build:native)');
    return;
  }
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `child ended with ${r.status ?? r.signal}: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as Record<string, string>;
  assert.match(out.malformed!, /^TypeError: .*malformed whitelist/);
  assert.match(out.skeletonGivenScanner!, /^TypeError: .*not a skeleton handle/);
  assert.match(out.scanGivenSkeleton!, /^TypeError: .*not a scanner/);
  assert.match(out.sniffGivenSkeleton!, /^TypeError: .*not a scanner/);
  assert.equal(out.fine, 'returned');
});
