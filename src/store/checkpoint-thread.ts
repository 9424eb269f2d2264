// Checkpoints a SQLite store's WAL on a thread of its own while the calling thread writes: copying
// committed pages into the database file, and the fsyncs that go with it, no longer stall the
// writes (measured on 1M Shodan records: the calling thread waited ~0.8 s in them). The writing
// connection's own automatic checkpoints are off meanwhile. Durability is unchanged: a commit is
// in the WAL either way, and the last connection to close checkpoints what is left.
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../core/spawn-worker.js';

/** About SQLite's default pace (1000 pages of 4 KiB) times 16: what the writing connection used before. */
export const CHECKPOINT_BYTES = 64 << 20;

export class CheckpointThread {
  private readonly worker: Worker;
  private written = 0;
  private busy = false;
  private closed: Promise<void> | null = null;
  private exited = false;
  /** Checkpoints done (for tests). */
  done = 0;
  /** A checkpoint ended since the writer last caught up (see catchUp). */
  private ended = false;

  /** `onFailure`: the thread is gone (the writer should checkpoint by itself again). */
  constructor(
    path: string,
    private readonly threshold: number,
    onFailure: (err: Error) => void,
  ) {
    this.worker = spawnWorker(import.meta.url, 'checkpoint-worker', { workerData: { path } });
    this.worker.unref(); // held only while a checkpoint runs
    this.worker.on('message', (r: { ok: boolean; error?: string }) => {
      this.busy = false;
      // once closing, the thread holds the process until it exits (an answer arriving after
      // close() must not let the process end first: Node would exit 13, an await unfinished)
      if (!this.closed) this.worker.unref();
      if (r.ok) {
        this.done++;
        this.ended = true;
      } else {
        this.busy = true; // a failing thread is asked nothing more: the writer checkpoints by itself again
        onFailure(new Error(r.error ?? 'checkpoint failed'));
      }
    });
    this.worker.once('exit', () => (this.exited = true));
    this.worker.on('error', (err) => {
      this.busy = true; // asks nothing more of a dead thread
      onFailure(err);
    });
  }

  /** After a commit of about `bytes`: asks for a checkpoint once enough has been written since the last. */
  wrote(bytes: number): void {
    this.written += bytes;
    if (this.busy || this.closed || this.written < this.threshold) return;
    this.written = 0;
    this.busy = true;
    this.worker.ref();
    this.worker.postMessage('checkpoint');
  }

  /**
   * True once after each checkpoint the thread finished: the writer should then, before its next
   * transaction, copy the few pages committed meanwhile itself (PASSIVE). SQLite starts the WAL over
   * only when a write transaction begins with every page of it copied, which a thread that copies
   * while the writer keeps committing never reaches: without this the WAL grew to the size of
   * everything written (319 MB for a 250 MB database).
   */
  catchUp(): boolean {
    const due = this.ended && !this.busy;
    this.ended = false;
    return due;
  }

  /** Waits for a running checkpoint, then closes the thread's connection. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      this.worker.once('exit', () => resolve());
      this.worker.ref();
      this.worker.postMessage('close');
    });
    return this.closed;
  }
}
