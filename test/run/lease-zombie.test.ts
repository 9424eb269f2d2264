// A writer killed with SIGKILL whose parent has not reaped it yet is a zombie: kill(pid, 0) still
// succeeds, but it can never write again, so its lease is given up at once like an ended
// process's. Its state is read from /proc/PID/stat, after the last ')' (the command name, in
// parentheses, may hold spaces and parentheses itself).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { processState, writerIdentity, writerIsGone } from '../../src/run/writer-alive.js';

/** This host's writer name for process `pid` (same host and process space as this test). */
function writerOf(pid: number): string {
  const [host, , tag, ...space] = writerIdentity().split(':');
  return [host, String(pid), tag, ...space].join(':');
}

function stateOf(pid: number): string | null {
  try {
    return processState(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

test('the state is the field after the last closing parenthesis of /proc/PID/stat', () => {
  assert.equal(processState('1234 (node) S 1 1234 1234 0 -1 4194560'), 'S');
  assert.equal(processState('1234 (a b) c) Z 1 1234'), 'Z', 'a name with spaces and a parenthesis');
  assert.equal(processState('1234 ((x)) (y) X 1'), 'X', 'a name with nested parentheses');
  assert.equal(processState('1234 (R) R 1'), 'R');
  assert.equal(processState('1234 () ) D 1'), 'D');
  assert.equal(processState(''), null);
  assert.equal(processState('1234 node S 1'), null, 'no parentheses');
  assert.equal(processState('1234 (node)'), null, 'nothing after the name');
  assert.equal(processState('1234 (node) '), null);
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
    assert.equal(writerIsGone(writerOf(pid)), true, 'a zombie');
    assert.equal(writerIsGone(writerOf(parent.pid!)), false, 'its parent, alive');
  } finally {
    parent.kill('SIGKILL');
  }
});
