// Worker threads without memory: under an address-space limit (ulimit -v) that leaves the CLI
// room for its own work but none for a thread, `ingest --workers 2` says so in one line, reads on
// one thread, exits 0 and stores what a run without the limit stores. Before, V8 ended the process
// ("Fatal process OOM in Failed to reserve virtual memory for CodeRange", exit 133).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';

const bin = join(repoRoot, 'bin', 'excensus.js');
const main = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const skip = !existsSync(main)
  ? 'no dist/ build (run `npm run build`)'
  : !existsSync('/proc/self/limits')
    ? 'needs Linux (/proc) for ulimit -v'
    : false;
const dir = mkdtempSync(join(tmpdir(), 'excensus-ulimit-'));

/**
 * Room the CLI gets above its size once loaded: enough for this file on one thread, not for a
 * thread (a worker needs 512 MiB: core/spawn-worker.ts). Without the check, V8 reserving a new
 * isolate's code range ended the process at this limit (docs/hardening.md).
 */
const ROOM_KB = 320 * 1024;

/** The CLI's address space (KiB) once its modules are loaded, before it reads anything. */
function cliBaseKb(): number {
  const r = spawnSync(
    process.execPath,
    [
      '--single-threaded-gc',
      '-e',
      `import(${JSON.stringify(pathToFileURL(main).href)}).then(() =>
         process.stdout.write(require('fs').readFileSync('/proc/self/status', 'utf8').match(/VmSize:\\s+(\\d+)/)[1]))`,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout);
}

/** 3,000 Shodan records, one in 20 Exchange. */
function writeInput(): string {
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++)
    lines.push(
      JSON.stringify({
        ip_str: `198.18.${i >> 8}.${i & 255}`,
        port: 443,
        timestamp: '2025-01-01T00:00:00',
        asn: 'AS3320',
        org: 'Example Org',
        location: { country_code: i % 2 ? 'DE' : 'FR' },
        data:
          i % 20 === 0
            ? 'HTTP/1.1 200 OK\r\nX-OWA-Version: 15.1.2507.6\r\n\r\n'
            : 'HTTP/1.1 200 OK\r\nServer: nginx\r\n\r\n',
      }),
    );
  const file = join(dir, 'in.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function ingest(file: string, db: string, limitKb: number | null): { code: number | null; stderr: string } {
  const args = [bin, 'ingest', file, '--workers', '2', '--db', db, '--name', 'u', '--as-of', '2026-01-01']
    .map((a) => `'${a}'`)
    .join(' ');
  const r = spawnSync(
    'bash',
    ['-c', `${limitKb === null ? '' : `ulimit -v ${limitKb}; `}exec '${process.execPath}' ${args} --quiet`],
    { encoding: 'utf8' },
  );
  return { code: r.status, stderr: r.stderr };
}

async function counts(db: string) {
  const store = await openStore(db, { create: false });
  try {
    const scan = await store.getScan('u');
    const byCountry = await store.census({ scanId: scan!.id, groupBy: ['country'], asOf: '2026-01-01' });
    return { state: scan?.state, counts: scan?.counts, byCountry };
  } finally {
    await store.close();
  }
}

test(
  'ingest under ulimit -v with no room for threads: one line, one thread, the same store',
  { skip },
  async () => {
    const file = writeInput();
    const normal = ingest(file, join(dir, 'normal.db'), null);
    assert.equal(normal.code, 0, normal.stderr);
    assert.doesNotMatch(normal.stderr, /worker threads cannot start/);
    const limit = cliBaseKb() + ROOM_KB;
    const limited = ingest(file, join(dir, 'limited.db'), limit);
    assert.equal(limited.code, 0, `ulimit -v ${limit}: ${limited.stderr}`);
    const notices = limited.stderr.split('\n').filter((l) => /worker threads cannot start/.test(l));
    assert.equal(notices.length, 1, limited.stderr);
    assert.match(
      notices[0]!,
      /^excensus ingest: worker threads cannot start \(.*ulimit -v.*\): reading on one thread$/,
    );
    const want = await counts(join(dir, 'normal.db'));
    assert.equal(want.state, 'complete');
    assert.equal(want.counts?.hosts, 3000);
    assert.deepEqual(await counts(join(dir, 'limited.db')), want);
  },
);
