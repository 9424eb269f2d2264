// The checkpoint thread's entry (checkpoint-thread.ts): its own connection to the store file,
// which copies committed WAL pages into the database file when asked.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database((workerData as { path: string }).path, { fileMustExist: true });
parentPort?.on('message', (m: 'checkpoint' | 'close') => {
  if (m === 'close') {
    db.close();
    parentPort?.close();
    return;
  }
  try {
    // PASSIVE: copies what no reader still needs, never waits on the writer
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort?.postMessage({ ok: true });
  } catch (err) {
    parentPort?.postMessage({ ok: false, error: (err as Error).message });
  }
});
