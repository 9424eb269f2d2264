// A writer thread for bulk SQLite writes: it owns a second connection to the store file and
// writes the batches the calling thread hands it (already split and flattened by splitBatch),
// so SQLite's work (most of a stored record's cost) overlaps with the calling thread's. It also
// counts the scan's mask cubes (cube-tally.ts) and hands their INSERTs back for finishScan.
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../core/spawn-worker.js';
import { ConfigError } from '../../core/errors.js';
import type { SplitBatch } from '../host-batch.js';
import type { TallyStatement } from '../cube-tally.js';
import type { RefusedRecord } from '../store.js';

export interface WriterInit {
  path: string;
}

export type WriterRequest =
  | {
      id: number;
      type: 'write';
      scanId: number;
      /** Count the scan's cubes (this store created it). */ track: boolean;
      batch: SplitBatch;
    }
  | { id: number; type: 'tally'; scanId: number };

export interface WriterReply {
  id: number;
  error?: { message: string; code?: string };
  /** Records the database refused; the rest of the batch was stored. */
  refused?: RefusedRecord[];
  tally?: { writes: number; statements: TallyStatement[] } | null;
}

type Waiter = { resolve: (r: WriterReply) => void; reject: (e: Error) => void };

export class WriteThread {
  private readonly worker: Worker;
  private seq = 0;
  private readonly waiting = new Map<number, Waiter>();
  private dead: Error | null = null;
  /** Settles after every request sent so far (the thread answers in order). */
  private last: Promise<unknown> = Promise.resolve();

  constructor(init: WriterInit) {
    this.worker = spawnWorker(import.meta.url, 'write-worker', { workerData: init });
    this.worker.unref(); // held only while a request is open
    this.worker.on('message', (r: WriterReply) => {
      const w = this.waiting.get(r.id);
      if (!w) return;
      this.waiting.delete(r.id);
      if (this.waiting.size === 0) this.worker.unref();
      if (r.error)
        w.reject(r.error.code ? new ConfigError(r.error.code, r.error.message) : new Error(r.error.message));
      else w.resolve(r);
    });
    const fail = (err: Error): void => {
      this.dead ??= err;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the store's writer thread exited (code ${code})`)));
  }

  private request(req: WriterRequest): Promise<WriterReply> {
    if (this.dead) return Promise.reject(this.dead);
    const reply = new Promise<WriterReply>((resolve, reject) => {
      this.waiting.set(req.id, { resolve, reject });
      this.worker.ref();
      // observations given as bytes are moved to the thread, not copied
      // (not a buffer that also holds other hosts' observations, which may be in a later batch: ingest
      // worker threads send a block's encoded records' observations in one buffer; that one is copied)
      const transfer = new Set<ArrayBuffer>(); // (an empty buffer may back several empty views)
      if (req.type === 'write')
        for (const h of req.batch.full)
          if (
            h.observation instanceof Uint8Array &&
            h.observation.byteLength === h.observation.buffer.byteLength
          )
            transfer.add(h.observation.buffer as ArrayBuffer);
      this.worker.postMessage(req, [...transfer]);
    });
    this.last = reply.catch(() => undefined);
    return reply;
  }

  /** Resolves once the batch is committed, with the records refused. Batches are written in the order they were sent. */
  async write(scanId: number, track: boolean, batch: SplitBatch): Promise<RefusedRecord[]> {
    return (await this.request({ id: ++this.seq, type: 'write', scanId, track, batch })).refused ?? [];
  }

  /** The scan's counted cubes, or null when the thread did not count every write of it. */
  async tally(scanId: number): Promise<WriterReply['tally']> {
    return (await this.request({ id: ++this.seq, type: 'tally', scanId })).tally ?? null;
  }

  /** Waits for the open requests, then ends the thread (its connection closes with it). */
  async close(): Promise<void> {
    await this.last;
    this.dead ??= new Error('the store is closed');
    await this.worker.terminate();
  }
}
