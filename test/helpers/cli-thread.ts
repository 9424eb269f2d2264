// Runs `excensus` in-process on a worker thread with a V8 heap limit: a command whose memory grows
// past the limit kills the thread (ERR_WORKER_OUT_OF_MEMORY) instead of the test process.
import type { CliResult } from './cli.js';
import { tsWorker } from './ts-worker.js';

export function runCliInThread(args: string[], opts: { stdin?: Buffer; heapMb: number }): Promise<CliResult> {
  const worker = tsWorker(new URL('./cli-thread-entry.ts', import.meta.url), {
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
