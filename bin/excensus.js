#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm run build`, run by `npm ci` via prepare).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { commandV8Flags } from './v8-flags.js';

const args = process.argv.slice(2);
const flags = (commandV8Flags[args[0]] ?? []).filter(
  (f) => !process.execArgv.some((a) => a.split('=')[0] === f.split('=')[0]),
);

if (flags.length > 0) {
  // Re-run under the command's V8 flags; the child handles Ctrl-C itself (it saves its progress), so the
  // launcher only waits for it and passes its exit status on.
  const child = spawn(
    process.execPath,
    [...process.execArgv, ...flags, fileURLToPath(import.meta.url), ...args],
    { stdio: 'inherit' },
  );
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exitCode = code ?? 1;
  });
} else {
  // Exit quietly when the reader of stdout goes away (`| head`).
  process.stdout.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  import('../dist/src/cli/main.js')
    .then((m) => m.main(args))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (err) => {
        console.error(err?.stack ?? String(err));
        process.exitCode = 1;
      },
    );
}
