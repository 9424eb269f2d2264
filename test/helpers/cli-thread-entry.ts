// Worker-thread side of cli-thread.ts: one CLI run, its result posted back.
import { PassThrough, Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { main } from '../../src/cli/main.js';

const { args, stdin } = workerData as { args: string[]; stdin: Uint8Array };
const out = new PassThrough();
const err = new PassThrough();
const stdout: Buffer[] = [];
const stderr: Buffer[] = [];
out.on('data', (c: Buffer) => stdout.push(c));
err.on('data', (c: Buffer) => stderr.push(c));
const code = await main(args, {
  stdout: out,
  stderr: err,
  stdin: Readable.from([Buffer.from(stdin)]),
  stderrIsTTY: false,
  stdoutIsTTY: false,
});
parentPort!.postMessage({
  code,
  stdout: Buffer.concat(stdout).toString(),
  stderr: Buffer.concat(stderr).toString(),
});
