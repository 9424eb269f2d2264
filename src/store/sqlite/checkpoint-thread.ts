// Checkpoints a SQLite store's WAL on a thread of its own while the calling thread writes: copying
// committed pages into the database file, and the fsyncs that go with it, no longer stall the
// writes (docs/store-writes.md has the figures). The writing
// connection's own automatic checkpoints are off meanwhile. Durability is unchanged: a commit is
// in the WAL either way, and the last connection to close checkpoints what is left.
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../core/spawn-worker.js';
import {
  CHECKPOINT_DONE,
  CHECKPOINT_FAILED,
  CHECKPOINT_IDLE,
  CHECKPOINT_RUNNING,
} from './checkpoint-state.js';

/** About SQLite's default pace (1000 pages of 4 KiB) times 16: what the writing connection used before. */
export const CHECKPOINT_BYTES = 64 << 20;

export class CheckpointThread {
  private readonly worker: Worker;
  /** One word shared with the thread: its progress is read here without waiting for an event (a
   * writer whose loop only chains promises never gets one, and its WAL grew with everything written). */
  private readonly state = new Int32Array(new SharedArrayBuffer(4));
  private written = 0;
  private failed = false;
  private closed: Promise<void> | null = null;
  private exited = false;
  private error: string | undefined;
  /** Checkpoints done (for tests). */
  done = 0;

  /** `onFailure`: the thread failed or is gone (the writer should checkpoint by itself again). */
  constructor(
    path: string,
    private readonly threshold: number,
    private readonly onFailure: (err: Error) => void,
  ) {
    this.worker = spawnWorker(import.meta.url, 'checkpoint-worker', {
      workerData: { path, state: this.state.buffer },
    });
    // Not holding the process: a checkpoint cut short by the process ending is safe, and close() waits for the thread.
    this.worker.unref();
    this.worker.on('message', (r: { error?: string }) => (this.error = r.error));
    this.worker.once('exit', () => (this.exited = true));
    this.worker.on('error', (err) => this.fail(err));
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = true; // a failing thread is asked nothing more
    this.onFailure(err);
  }

  /** After a commit of about `bytes`: asks for a checkpoint once enough has been written since the last. */
  wrote(bytes: number): void {
    this.written += bytes;
    if (
      this.failed ||
      this.closed ||
      this.written < this.threshold ||
      Atomics.load(this.state, 0) !== CHECKPOINT_IDLE
    )
      return;
    this.written = 0;
    Atomics.store(this.state, 0, CHECKPOINT_RUNNING);
    this.worker.postMessage('checkpoint');
  }

  /**
   * True once after each checkpoint the thread finished: the writer should then, before its next
   * transaction, copy the few pages committed meanwhile itself (PASSIVE). SQLite starts the WAL over
   * only when a write transaction begins with every page of it copied, which a thread that copies
   * while the writer keeps committing never reaches: without this the WAL grew to the size of
   * everything written.
   */
  catchUp(): boolean {
    const s = Atomics.load(this.state, 0);
    if (s === CHECKPOINT_FAILED) this.fail(new Error(this.error ?? 'checkpoint failed'));
    if (s !== CHECKPOINT_DONE) return false;
    this.done++;
    Atomics.store(this.state, 0, CHECKPOINT_IDLE);
    return true;
  }

  /** Waits for a running checkpoint, then closes the thread's connection. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      this.worker.once('exit', () => resolve());
      // held until it exits (else the process could end first: Node would exit 13, an await unfinished)
      this.worker.ref();
      this.worker.postMessage('close');
    });
    return this.closed;
  }
}
