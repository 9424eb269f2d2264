// The published launcher (bin/excensus.js) re-runs scan, ingest and serve in a child for their V8 flags.
// Real processes: kill -9 of the launcher leaves no child probing; SIGINT/SIGTERM/SIGHUP reach the
// child, which stores what it has, marks the scan interrupted, says how to resume; the status
// (128 + the signal's number, or the child's own exit code) comes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';
import { flagsAbove } from '../../bin/v8-flags.js';

const bin = join(repoRoot, 'bin', 'excensus.js');
const skip = existsSync(join(repoRoot, 'dist', 'src', 'cli', 'main.js'))
  ? false
  : 'no dist/ build (run `npm run build`)';
const dir = mkdtempSync(join(tmpdir(), 'excensus-launcher-'));

function launch(args: string[]): {
  proc: ChildProcess;
  done: Promise<{ code: number | null; stderr: string }>;
} {
  const proc = spawn(process.execPath, [bin, ...args, '--quiet'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    proc.on('close', (code) => resolve({ code, stderr })),
  );
  return { proc, done };
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Running (not exited; a zombie waiting for its reaper has exited). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

async function waitFor<T>(
  what: string,
  f: () => Promise<T | undefined> | T | undefined,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function scanState(db: string): Promise<{ state: string; hosts: number } | undefined> {
  if (!existsSync(db)) return undefined;
  const store = await openStore(db, { create: false }).catch(() => undefined);
  if (!store) return undefined;
  try {
    const [s] = await store.listScans();
    return s ? { state: s.state, hosts: s.counts.hosts } : undefined;
  } finally {
    await store.close();
  }
}

/** A loopback port nothing listens on: every probe is refused at once. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

const slowScan = async (db: string) => [
  'scan',
  '127.64.0.0/24',
  '-p',
  String(await closedPort()),
  '--rate',
  '4',
  '--no-geo',
  '--db',
  db,
  '--as-of',
  '2026-01-01',
];

/** Waits until the scan is in the store and running, then a little longer (a few hosts probed). */
async function started(db: string): Promise<void> {
  await waitFor('the scan to start', async () =>
    (await scanState(db))?.state === 'running' ? true : undefined,
  );
  await sleep(1500);
}

test(
  'kill -9 of the launcher leaves no child probing; the scan is marked interrupted',
  { skip },
  async () => {
    const db = join(dir, 'kill9.db');
    const { proc, done } = launch(await slowScan(db));
    const child = await waitFor('the child', () => childrenOf(proc.pid!)[0]);
    try {
      await started(db);
    } finally {
      proc.kill('SIGKILL');
    }
    await done;
    // before the fix the child went on probing the whole /24 (about a minute at 4 hosts/s)
    await waitFor('the child to stop', () => (running(child) ? undefined : true), 15_000);
    const s = await scanState(db);
    assert.equal(s?.state, 'interrupted');
    assert.ok((s?.hosts ?? 0) > 0 && (s?.hosts ?? 0) < 256, `${s?.hosts} hosts stored`);
  },
);

test(
  'SIGTERM to the launcher of a scan: the child stores, marks interrupted, exits 143',
  { skip },
  async () => {
    const db = join(dir, 'term.db');
    const { proc, done } = launch(await slowScan(db));
    try {
      await started(db);
    } finally {
      proc.kill('SIGTERM');
    }
    const r = await done;
    assert.equal(r.code, 143, r.stderr);
    assert.match(r.stderr, /interrupted; run again with --resume-scan 1/);
    const s = await scanState(db);
    assert.equal(s?.state, 'interrupted');
    assert.ok((s?.hosts ?? 0) > 0, 'hosts probed before the signal are stored');
  },
);

const ingestSignals = [
  { sig: 'SIGINT', code: 130, what: 'Ctrl-C (SIGINT)' },
  { sig: 'SIGTERM', code: 143, what: 'SIGTERM' },
  { sig: 'SIGHUP', code: 129, what: 'a hang-up (SIGHUP)' },
] as const;

for (const { sig, code, what } of ingestSignals)
  test(
    `${what} on ingest from a pipe: what was read is stored, interrupted, exit ${code}`,
    { skip },
    async () => {
      const db = join(dir, `ingest-${sig}.db`);
      const { proc, done } = launch([
        'ingest',
        '-',
        '--format',
        'csv',
        '--no-geo',
        '--db',
        db,
        '--as-of',
        '2026-01-01',
      ]);
      // several blocks of lines, then the pipe stays open and silent
      let lines = 'ip,port\n';
      for (let i = 0; i < 40_000; i++) lines += `192.0.2.${i % 250},${1000 + Math.floor(i / 250)}\n`;
      proc.stdin!.on('error', () => {}); // the child closes it when it stops
      proc.stdin!.write(lines);
      try {
        await waitFor('records stored', async () => ((await scanState(db))?.hosts ?? 0) > 0 || undefined);
      } finally {
        proc.kill(sig);
      }
      const r = await done;
      proc.stdin!.destroy();
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, /interrupted; run again with --resume-scan 1/);
      const s = await scanState(db);
      assert.equal(s?.state, 'interrupted');
      assert.ok((s?.hosts ?? 0) > 0 && (s?.hosts ?? 0) <= 40_000, `${s?.hosts} records stored`);
    },
  );

test(
  'SIGHUP to the launcher of a scan: the child stores, marks interrupted, exits 129',
  { skip },
  async () => {
    const db = join(dir, 'hup.db');
    const { proc, done } = launch(await slowScan(db));
    try {
      await started(db);
    } finally {
      proc.kill('SIGHUP');
    }
    const r = await done;
    assert.equal(r.code, 129, r.stderr);
    assert.match(r.stderr, /interrupted; run again with --resume-scan 1/);
    const s = await scanState(db);
    assert.equal(s?.state, 'interrupted');
    assert.ok((s?.hosts ?? 0) > 0, 'hosts probed before the signal are stored');
  },
);

test('a command named like an Object member is an unknown command (exit 2), not a crash', { skip }, () => {
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    const r = spawnSync(process.execPath, [bin, name], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`^excensus: unknown command "${name}"`), r.stderr);
    assert.doesNotMatch(r.stderr, /TypeError/);
  }
});

test("the launcher exits with the child's own exit code", { skip }, async () => {
  // a usage error: 2
  const usage = launch(['ingest', '--db', join(dir, 'none.db')]);
  usage.proc.stdin!.end();
  const r = await usage.done;
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /give at least one input file/);
  // a missing file: 1
  const missing = launch(['ingest', join(dir, 'no-such-file.jsonl'), '--db', join(dir, 'none.db')]);
  missing.proc.stdin!.end();
  const m = await missing.done;
  assert.equal(m.code, 1, m.stderr);
  assert.match(m.stderr, /no such file/);
});

// util-linux script(1) gives the command a terminal of its own; killing script closes it (a hang-up)
const noScript = spawnSync('script', ['--version']).status === 0 ? false : 'needs script(1) (util-linux)';

// A file above bin/v8-flags.js's flagsAbove.ingest runs in a child under the ingest V8 flags; a
// smaller one in the launcher's own process.
for (const { where, large } of [
  { where: 'in a child', large: true },
  { where: "in the launcher's process", large: false },
])
  test(
    `a terminal that hangs up (ingest ${where}): it stores what it read, is marked interrupted, nothing aborts`,
    { skip: skip || noScript },
    async () => {
      const name = large ? 'hangup' : 'hangup-small';
      const db = join(dir, `${name}.db`);
      const err = join(dir, `${name}.err`);
      const csv = join(dir, `${name}.csv`);
      let lines = 'ip,port\n';
      let count = 0;
      for (; large ? lines.length <= flagsAbove.ingest : count < 1_000_000; count++)
        lines += `10.${count >> 16}.${(count >> 8) & 255}.${count & 255},443\n`;
      writeFileSync(csv, lines);
      // the table goes to the terminal; stderr to a file, to read after the terminal is gone
      const command = `exec '${process.execPath}' '${bin}' ingest '${csv}' --no-geo --db '${db}' --as-of 2026-01-01 2>'${err}'`;
      const term = spawn('script', ['-q', '-c', command, '/dev/null'], {
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      const launcher = await waitFor('the launcher', () => childrenOf(term.pid!)[0]);
      const child = large ? await waitFor('its child', () => childrenOf(launcher)[0]) : launcher;
      try {
        await waitFor('records stored', async () => ((await scanState(db))?.hosts ?? 0) > 0 || undefined);
        if (!large) assert.deepEqual(childrenOf(launcher), [], 'the launcher runs ingest itself');
      } finally {
        term.kill('SIGKILL'); // the terminal closes
      }
      await waitFor('both to end', () => (running(launcher) || running(child) ? undefined : true), 15_000);
      // before: the table's write failed (EIO) and ended the child, the scan stayed running, and
      // Node aborted restoring the lost terminal's modes
      const text = readFileSync(err, 'utf8');
      assert.doesNotMatch(text, /EIO|Assertion failed|internal error/, text);
      assert.match(text, /interrupted; run again with --resume-scan 1/);
      const s = await scanState(db);
      assert.equal(s?.state, 'interrupted');
      assert.ok((s?.hosts ?? 0) > 0 && (s?.hosts ?? 0) < count, `${s?.hosts} records stored`);
    },
  );

test(
  'serve runs in a child under its V8 flags; SIGTERM to the launcher stops it, status 0',
  { skip },
  async () => {
    const db = join(dir, 'serve.db');
    const store = await openStore(db);
    await store.close();
    const proc = spawn(process.execPath, [bin, 'serve', '--db', db, '--port', '0', '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
    try {
      await waitFor('its URL', () => (/^http:\/\/\S+\n/m.test(out) ? true : undefined));
      // the server is a child of the launcher, started with the flags bin/v8-flags.js gives serve
      const child = childrenOf(proc.pid!)[0];
      assert.ok(child, 'serve runs in a child of the launcher');
      const argv = readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0');
      assert.ok(argv.includes('--optimize-for-size'), argv.join(' '));
    } finally {
      proc.kill('SIGTERM');
    }
    assert.equal(await done, 0, stderr);
  },
);
