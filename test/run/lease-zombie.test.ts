// A writer killed with SIGKILL whose parent has not reaped it yet is a zombie: kill(pid, 0) still
// succeeds, but it can never write again, so its lease is given up at once like an ended
// process's. Its state is read from /proc/PID/stat, after the last ')' (the command name, in
// parentheses, may hold spaces and parentheses itself). State Z only says the main thread
// ended, though: a process whose main thread called pthread_exit runs its other threads on, so
// it is gone only when /proc/PID/status counts no thread but that one (Threads: 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processState, threadCount, writerIdentity, writerIsGone } from '../../src/run/writer-alive.js';

/** This host's writer name for process `pid` (same host and process space as this test). */
function writerOf(pid: number): string {
  const [host, , tag, ...space] = writerIdentity().split(':');
  return [host, String(pid), tag, ...space].join(':');
}

function stateOf(pid: number): string | null {
  try {
    return processState(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return null;
  }
}

test('the state is the letter of the State: line of /proc/PID/status', () => {
  const status = (name: string, state: string) =>
    `Name:\t${name}\nUmask:\t0022\nState:\t${state}\nTgid:\t42\n`;
  assert.equal(processState(status('node', 'S (sleeping)')), 'S');
  assert.equal(processState(status('sleep', 'Z (zombie)')), 'Z');
  assert.equal(processState(status('x', 'X (dead)')), 'X');
  // a name that reads like a state line stays on the Name: line (the kernel escapes a newline in it)
  assert.equal(processState(status('State:\tZ (zombie)', 'R (running)')), 'R');
  assert.equal(processState(status('a\\nState: Z', 'S (sleeping)')), 'S');
  assert.equal(processState(''), null);
  assert.equal(processState('Name:\tnode\nPid:\t1\n'), null, 'no State: line');
  // the real file of this process
  assert.equal(processState(readFileSync('/proc/self/status', 'utf8')), 'R');
});

test('the thread count is the Threads: line of /proc/PID/status', () => {
  const status = (threads: string) =>
    `Name:\tsleep\nState:\tZ (zombie)\nTgid:\t42\nPid:\t42\n${threads}\nSigQ:\t0/31\n`;
  assert.equal(threadCount(status('Threads:\t1')), 1);
  assert.equal(threadCount(status('Threads:\t2')), 2);
  assert.equal(threadCount(status('Threads:\t0')), 0);
  assert.equal(threadCount(status('Threads:   17 ')), 17);
  assert.equal(threadCount(status('')), null, 'no Threads: line');
  assert.equal(threadCount(status('Threads:\t')), null, 'no count');
  assert.equal(threadCount(status('Threads:\tmany')), null);
  assert.equal(threadCount('Name:\tThreads: 1\nThreads:\t3\n'), 3, 'only a line that starts with it');
  assert.equal(threadCount(''), null);
});

test('a writer killed but not yet reaped by its parent (a zombie) is gone', async (t) => {
  if (process.platform !== 'linux') return t.skip('needs /proc (Linux)');
  // sh starts a child, prints its id and replaces itself with a sleep that never waits: the
  // child killed with SIGKILL stays a zombie until that parent ends
  const parent = spawn('sh', ['-c', 'sleep 1000 & echo $!; exec sleep 1000'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  try {
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(Number(out.trim()));
      });
      parent.on('error', reject);
    });
    assert.ok(pid > 1, `child pid ${pid}`);
    assert.equal(writerIsGone(writerOf(pid)), false, 'a live process');
    process.kill(pid, 'SIGKILL');
    for (let i = 0; stateOf(pid) !== 'Z'; i++) {
      assert.ok(i < 200, `the child never became a zombie: ${stateOf(pid)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    process.kill(pid, 0); // a zombie still answers kill(pid, 0)
    assert.equal(
      threadCount(readFileSync(`/proc/${pid}/status`, 'utf8')),
      1,
      'a zombie counts its dead main thread',
    );
    assert.equal(writerIsGone(writerOf(pid)), true, 'a zombie');
    assert.equal(writerIsGone(writerOf(parent.pid!)), false, 'its parent, alive');
  } finally {
    parent.kill('SIGKILL');
  }
});

// the main thread returns through pthread_exit; the other prints a tick every 20 ms, forever
const MAIN_EXITS_EARLY = `#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
static void *tick(void *arg) {
  (void)arg;
  for (;;) { printf("tick\\n"); fflush(stdout); usleep(20000); }
  return NULL;
}
int main(void) {
  pthread_t t;
  if (pthread_create(&t, NULL, tick, NULL) != 0) return 1;
  pthread_exit(NULL);
}
`;

test('a process whose main thread ended while another thread runs is alive', async (t) => {
  if (process.platform !== 'linux') return t.skip('needs /proc (Linux)');
  const dir = mkdtempSync(join(tmpdir(), 'excensus-zombie-leader-'));
  try {
    const bin = join(dir, 'main-exits-early');
    writeFileSync(`${bin}.c`, MAIN_EXITS_EARLY);
    try {
      execFileSync('cc', ['-pthread', '-o', bin, `${bin}.c`], { stdio: 'pipe', timeout: 60_000 });
    } catch (err) {
      return t.skip(`no C compiler to build the test program (cc: ${(err as Error).message.split('\n')[0]})`);
    }
    const child = spawn(bin, [], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      let ticks = 0;
      child.stdout.on('data', (c: Buffer) => (ticks += c.toString().split('tick').length - 1));
      const pid = child.pid!;
      for (let i = 0; stateOf(pid) !== 'Z'; i++) {
        assert.ok(i < 200, `the main thread never ended: state ${stateOf(pid)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      assert.equal(threadCount(status), 2, status);
      const before = ticks;
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(ticks > before, 'the second thread runs on after the main thread ended');
      assert.equal(stateOf(pid), 'Z');
      assert.equal(writerIsGone(writerOf(pid)), false, 'state Z, but a thread still runs');
    } finally {
      child.kill('SIGKILL');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
