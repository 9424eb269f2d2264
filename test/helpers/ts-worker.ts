// A worker thread on a TypeScript module of the tests: tsx is registered in the new thread before
// the module is imported (as src/core/spawn-worker.ts does for the shipped code under tsx).
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function tsWorker(entry: URL, options: WorkerOptions): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}
