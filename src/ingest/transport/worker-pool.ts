// Fans blocks of lines out to worker threads and hands results back in input order, with a
// bounded number of blocks in flight per worker (so memory stays bounded whatever the input
// size). The calling thread only reads, hands out and merges: having it process blocks too when
// workers are busy cost more (a third judge, more heap) than it gained.
import type { Worker } from 'node:worker_threads';
import { ThreadRoomError, spawnWorker } from '../../core/spawn-worker.js';
import type { WorkerInit, WorkerJob, WorkerReply } from './worker.js';
import { ownedBlockMemory } from '../lines.js';
import type { FileRange } from './file-ranges.js';
import { newBlockResult } from '../block-result.js';

const FAILED: WorkerReply = {
  seq: -1,
  lines: 0,
  result: newBlockResult(),
};

export type BlockHandler = (reply: WorkerReply) => Promise<void>;

/**
 * Starts `count` workers and waits until each runs; when one cannot start (no memory for a thread,
 * e.g. under ulimit -v), none is kept and the reason is returned: the caller reads on its own thread.
 */
export async function startWorkers(
  count: number,
  init: WorkerInit,
  limits?: { maxYoungGenerationSizeMb: number },
): Promise<Worker[] | string> {
  const workers: Worker[] = [];
  let failed: string | null = null;
  try {
    for (let i = 0; i < count; i++)
      workers.push(
        spawnWorker(import.meta.url, 'worker', {
          workerData: init,
          ...(limits ? { resourceLimits: limits } : {}),
        }),
      );
  } catch (err) {
    if (!(err instanceof ThreadRoomError)) throw err;
    failed = err.message;
  }
  const started = await Promise.all(
    workers.map(
      (w) =>
        new Promise<string | null>((resolve) => {
          const done = (r: string | null) => {
            w.off('online', online).off('error', error).off('exit', exit);
            resolve(r);
          };
          const online = () => done(null);
          const error = (err: Error) => done(err.message);
          const exit = (code: number) => done(`a thread exited with code ${code}`);
          w.on('online', online).on('error', error).on('exit', exit);
        }),
    ),
  );
  failed ??= started.find((r) => r !== null) ?? null;
  if (failed === null) return workers;
  await Promise.all(workers.map((w) => w.terminate()));
  return failed;
}

/** Jobs: blocks of whole lines, or ranges of the file named in the workers' `init.file` that each reads itself. */
export async function runInWorkers(
  blocks: AsyncIterable<Buffer> | Iterable<FileRange>,
  workers: Worker[],
  onReply: BlockHandler,
  /** Asked before each block is handed out: true stops reading (blocks handed out are still delivered). */
  stop: () => boolean = () => false,
  // 4 by default, not 2: while the receiving thread commits a batch to the store, a worker with only
  // two jobs soon waits (docs/measurements.md)
  maxPerWorker = 4,
): Promise<void> {
  const count = workers.length;
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
  const busy = new Array<number>(count).fill(0); // jobs in flight per worker
  const owner = new Map<number, number>(); // seq -> worker index
  try {
    let sent = 0;
    let done = 0;
    const deliver = async () => {
      const r = await checked(result(done));
      const w = owner.get(done);
      if (w !== undefined) {
        busy[w]!--;
        owner.delete(done);
      }
      await onReply(r);
      done++;
    };
    for await (const block of blocks) {
      // hand back whatever is ready, in order, without waiting
      while (done < sent && pending.has(done)) await deliver();
      let w = leastBusy(busy);
      while (busy[w]! >= maxPerWorker) {
        await deliver();
        w = leastBusy(busy);
      }
      if (Buffer.isBuffer(block)) {
        // transferred, not cloned: the block's own memory when nothing else holds it, else a copy
        const own = ownedBlockMemory.has(block.buffer)
          ? new Uint8Array(block.buffer, block.byteOffset, block.length)
          : new Uint8Array(block);
        const job: WorkerJob = { seq: sent, block: own };
        workers[w]!.postMessage(job, [own.buffer as ArrayBuffer]);
      } else workers[w]!.postMessage({ seq: sent, range: block } satisfies WorkerJob);
      busy[w]!++;
      owner.set(sent, w);
      sent++;
      if (stop()) break; // blocks handed out are still delivered
    }
    while (done < sent) await deliver();
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

function leastBusy(busy: number[]): number {
  let best = 0;
  for (let i = 1; i < busy.length; i++) if (busy[i]! < busy[best]!) best = i;
  return best;
}
