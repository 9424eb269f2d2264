// Bulk writes to a SQLite file: a writer thread with its own connection for scans written in
// large batches (its SQLite work overlaps with the calling thread's), and WAL checkpoints on a
// thread of their own while the calling connection writes (the copy into the database file and
// its fsyncs no longer stall the writes). docs/store-writes.md has the measurements.
import type { BulkWriter, CountedCubes } from '../bulk-writer.js';
import type { SqlDriver } from '../driver.js';
import type { SplitBatch } from '../host-batch.js';
import type { RefusedRecord } from '../store.js';
import { WriteThread } from './write-thread.js';
import { CHECKPOINT_BYTES, CheckpointThread } from './checkpoint-thread.js';
import { SQLITE_AUTOCHECKPOINT } from './sqlite-driver.js';
import { ThreadRoomError } from '../../core/spawn-worker.js';

/** A scan whose first batch has this many records is written by the writer thread. */
const THREAD_MIN_BATCH = 1000;

export interface FileWritesOptions {
  /** Bytes written between two checkpoints on the checkpoint thread (default CHECKPOINT_BYTES). */
  checkpointBytes?: number;
  /** The file the threads open (default: the store's own; tests point it elsewhere to make them fail). */
  threadPath?: string;
}

export function sqliteFileWrites(db: SqlDriver, path: string, opts: FileWritesOptions = {}): BulkWriter {
  return new FileWrites(db, opts.threadPath ?? path, opts.checkpointBytes ?? CHECKPOINT_BYTES);
}

class FileWrites implements BulkWriter {
  /** Scans the writer thread takes, decided by their first batch. */
  private readonly route = new Map<number, boolean>();
  private thread: WriteThread | null = null;
  private checkpoints: CheckpointThread | null = null;
  /** A thread could not start (no memory for one): none is tried again, the connection does the work. */
  private noThreads = false;
  /** Bytes written on the calling connection before the checkpoint thread started. */
  private localBytes = 0;

  constructor(
    private readonly db: SqlDriver,
    private readonly path: string,
    private readonly checkpointBytes: number,
  ) {}

  takes(scanId: number, size: number): boolean {
    let taken = this.route.get(scanId);
    if (taken === undefined) this.route.set(scanId, (taken = size >= THREAD_MIN_BATCH && this.startWriter()));
    return taken;
  }

  /** Starts the writer thread unless it runs; false when no thread can start. */
  private startWriter(): boolean {
    if (!this.thread && !this.noThreads)
      this.thread = threadOrNull(() => new WriteThread({ path: this.path }));
    if (!this.thread) this.noThreads = true;
    return this.thread !== null;
  }

  took(scanId: number): boolean {
    return this.route.get(scanId) === true;
  }

  write(scanId: number, track: boolean, batch: SplitBatch): Promise<RefusedRecord[]> {
    return this.thread!.write(scanId, track, batch); // started by takes()
  }

  async counted(scanId: number): Promise<CountedCubes | null> {
    return (await this.thread?.tally(scanId)) ?? null;
  }

  async beforeLocalWrite(): Promise<void> {
    // Started once half a checkpoint's bytes are written: a small write never needs one (the
    // connection's own pace, SQLITE_AUTOCHECKPOINT, is the same), and the thread costs a start.
    if (!this.checkpoints && !this.noThreads && this.localBytes >= this.checkpointBytes / 2) {
      this.checkpoints = threadOrNull(
        () =>
          new CheckpointThread(this.path, this.checkpointBytes, () => {
            this.db.exec(`PRAGMA wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT}`).catch(() => undefined);
          }),
      );
      // without a thread, the writing connection checkpoints by itself as before
      if (this.checkpoints) {
        await this.db.exec('PRAGMA wal_autocheckpoint = 0');
        this.checkpoints.wrote(this.localBytes); // what the WAL may hold already
      } else this.noThreads = true;
    }
    // pages committed while the thread copied: the writer copies them before its next transaction
    if (this.checkpoints?.catchUp()) await this.db.exec('PRAGMA wal_checkpoint(PASSIVE)');
  }

  afterLocalWrite(bytes: number): void {
    if (this.checkpoints) this.checkpoints.wrote(bytes);
    else this.localBytes += bytes;
  }

  async close(): Promise<void> {
    await this.checkpoints?.close();
    await this.thread?.close();
  }
}

/** A thread, or null when the address-space limit leaves no room for one (ThreadRoomError). */
function threadOrNull<T>(start: () => T): T | null {
  try {
    return start();
  } catch (err) {
    if (err instanceof ThreadRoomError) return null;
    throw err;
  }
}
