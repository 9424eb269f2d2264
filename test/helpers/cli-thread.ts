// Runs `excensus` in-process on a worker thread with a V8 heap limit: a command whose memory grows
// past the limit kills the thread (ERR_WORKER_OUT_OF_MEMORY) instead of the test process.
import { Worker } from 'node:worker_threads';
import type { CliResult } from './cli.js';

const entry = new URL('./cli-thread-entry.ts', import.meta.url).href;

export function runCliInThread(args: string[], opts: { stdin?: Buffer; heapMb: number }): Promise<CliResult> {
  // the thread runs TypeScript: tsx is registered in it first (as src/core/spawn-worker.ts does)
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  const worker = new Worker(boot, {
    eval: true,
    workerData: { args, stdin: opts.stdin ?? Buffer.alloc(0) },
    resourceLimits: { maxOldGenerationSizeMb: opts.heapMb },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (r: CliResult) => {
      resolve(r);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`CLI thread exited (${code}) without a result`)));
  });
}
