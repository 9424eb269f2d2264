// Fans blocks of lines out to worker threads and hands results back in input order, with at
// most two blocks in flight per worker (so memory stays bounded whatever the input size).
import { Worker } from 'node:worker_threads';
import type { WorkerInit, WorkerJob, WorkerReply } from './worker.js';

const FAILED: WorkerReply = { seq: -1, lines: 0, result: { hosts: [], problems: [], records: 0, exchange: 0, suspect: 0 } };

export type BlockHandler = (reply: WorkerReply) => Promise<void>;

// Short-lived garbage dominates a worker's heap: a small young generation keeps each thread's
// resident memory low (peak RSS is a benchmark target) at the cost of more, cheap, minor GCs.
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };

/** The worker entry; under tsx (tests, benchmarks) a tiny bootstrap registers tsx in the thread first. */
function spawnWorker(init: WorkerInit): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), { workerData: init, resourceLimits: WORKER_LIMITS });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData: init, resourceLimits: WORKER_LIMITS });
}

export async function runInWorkers(blocks: AsyncIterable<Buffer>, count: number, init: WorkerInit, onReply: BlockHandler): Promise<void> {
  const workers = Array.from({ length: count }, () => spawnWorker(init));
  const pending = new Map<number, WorkerReply>();
  const waiters = new Map<number, (r: WorkerReply) => void>();
  let failure: Error | undefined;
  const onMessage = (r: WorkerReply) => {
    const w = waiters.get(r.seq);
    if (w) {
      waiters.delete(r.seq);
      w(r);
    } else pending.set(r.seq, r);
  };
  const failAll = (err: Error) => {
    failure ??= err;
    for (const [, w] of waiters) w(FAILED);
    waiters.clear();
  };
  for (const w of workers) {
    w.on('message', onMessage);
    w.on('error', failAll);
  }
  const result = (seq: number) =>
    new Promise<WorkerReply>((resolve) => {
      if (failure) return resolve(FAILED);
      const r = pending.get(seq);
      if (r) {
        pending.delete(seq);
        resolve(r);
      } else waiters.set(seq, resolve);
    });
  try {
    let sent = 0;
    let done = 0;
    const maxInFlight = count * 3;
    for await (const block of blocks) {
      while (sent - done >= maxInFlight) {
        await onReply(await checked(result(done)));
        done++;
      }
      const copy = new Uint8Array(block); // own ArrayBuffer: transferred, not cloned
      const job: WorkerJob = { seq: sent, block: copy };
      workers[sent % count]!.postMessage(job, [copy.buffer]);
      sent++;
    }
    while (done < sent) {
      await onReply(await checked(result(done)));
      done++;
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  function checked(p: Promise<WorkerReply>): Promise<WorkerReply> {
    return p.then((r) => {
      if (failure) throw failure;
      return r;
    });
  }
}
