// The checkpoint thread's entry (checkpoint-thread.ts): its own connection to the store file,
// which copies committed WAL pages into the database file when asked. It answers through the
// shared state word, which the writer reads without waiting for an event.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { CHECKPOINT_DONE, CHECKPOINT_FAILED } from './checkpoint-state.js';

const init = workerData as { path: string; state: SharedArrayBuffer };
const state = new Int32Array(init.state);
const db = new Database(init.path, { fileMustExist: true });
parentPort?.on('message', (m: 'checkpoint' | 'close') => {
  if (m === 'close') {
    db.close();
    parentPort?.close();
    return;
  }
  try {
    // PASSIVE: copies what no reader still needs, never waits on the writer
    db.pragma('wal_checkpoint(PASSIVE)');
    Atomics.store(state, 0, CHECKPOINT_DONE);
  } catch (err) {
    parentPort?.postMessage({ error: (err as Error).message });
    Atomics.store(state, 0, CHECKPOINT_FAILED);
  }
});
