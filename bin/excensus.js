#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm run build`, run by `npm ci` via prepare).
import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { isatty } from 'node:tty';
import { fileURLToPath } from 'node:url';
import { commandV8Flags, flagsAbove, valueOptions } from './v8-flags.js';

// A terminal that hangs up (its window closed, the SSH connection dropped) is no terminal any more:
// writes to it fail (EIO), and Node, restoring its modes at exit, aborts (SIGABRT) when it cannot.
// Such a process drops its output and ends by SIGHUP, as an unhandled hang-up would, skipping that.
const terminals = [0, 1, 2].filter((fd) => isatty(fd));
const hungUp = () => terminals.some((fd) => !isatty(fd));
function endByHangUp() {
  process.removeAllListeners('SIGHUP');
  process.kill(process.pid, 'SIGHUP');
}

const args = process.argv.slice(2);
// the command's entry of a table; a name such as `constructor` is no command (main says so)
const own = (table) => (Object.hasOwn(table, args[0] ?? '') ? table[args[0]] : undefined);
// flags this process runs without (the re-run child has them all, and sizes nothing again)
const missing = (own(commandV8Flags) ?? []).filter(
  (f) => !process.execArgv.some((a) => a.split('=')[0] === f.split('=')[0]),
);
const flags =
  missing.length > 0 && mayBeLarge(args.slice(1), own(flagsAbove), own(valueOptions) ?? []) ? missing : [];

/**
 * Whether the input may reach `limit` bytes (v8-flags.js, flagsAbove): the files named as the
 * command's arguments, not the values of its options (`valueOptions`: an output, a store).
 */
function mayBeLarge(rest, limit, takesValue) {
  if (limit === undefined) return true;
  let bytes = 0;
  let files = 0;
  let onlyFiles = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!onlyFiles && arg !== '-' && arg.startsWith('-')) {
      if (arg === '--') onlyFiles = true;
      else if (takesValue.includes(arg)) i++;
      continue; // an option (with its value attached, or none)
    }
    if (arg === '-') return true; // stdin
    let st;
    try {
      st = statSync(arg);
    } catch {
      continue; // a file the command will report missing
    }
    if (!st.isFile() || gzipped(arg)) return true;
    bytes += st.size;
    files++;
    if (bytes >= limit) return true;
  }
  return files === 0;
}

function gzipped(path) {
  const magic = Buffer.alloc(2);
  let fd;
  try {
    fd = openSync(path, 'r');
    return readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } catch {
    return true;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

if (flags.length > 0) {
  // Re-run under the command's V8 flags. The child handles the signals itself (it stores what is
  // in flight and marks the scan interrupted); the launcher passes every signal and the exit status
  // on. The IPC channel ties the child to this process: when it closes (even by kill -9 of this
  // one), the child stops as on a hang-up instead of probing on as an orphan.
  const child = spawn(
    process.execPath,
    [...process.execArgv, ...flags, fileURLToPath(import.meta.url), ...args],
    { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] },
  );
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => {
    if (hungUp()) endByHangUp();
    else process.exitCode = signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1);
  });
} else {
  if (process.channel) {
    // Started by the launcher above: its IPC channel must not keep this process alive, and its
    // closing means the launcher is gone.
    process.channel.unref();
    process.on('disconnect', () => process.kill(process.pid, 'SIGHUP'));
  }
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (err) => {
      // Exit quietly when the reader of stdout goes away (`| head`).
      if (stream === process.stdout && err.code === 'EPIPE') process.exit(0);
      if (!hungUp()) throw err;
      // The terminal hung up: SIGHUP stops the command, which still stores what it has; its output
      // has nowhere to go. A writer waiting for 'drain' gets it (before this error reaches it).
      stream.write = dropWrite;
      stream.emit('drain');
    });
  import('../dist/src/cli/main.js')
    .then((m) => m.main(args))
    .then(
      (code) => {
        if (hungUp()) endByHangUp();
        else process.exitCode = code;
      },
      (err) => {
        console.error(err?.stack ?? String(err));
        process.exitCode = 1;
      },
    );
}

function dropWrite(_chunk, encoding, callback) {
  const done = typeof encoding === 'function' ? encoding : callback;
  if (done) process.nextTick(done);
  return true;
}
