// The writer thread's entry (write-thread.ts): one SQLite connection, one HostWriter, the cube
// tallies of the scans it writes. Requests are handled one after another, in arrival order.
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError } from '../../core/errors.js';
import { openSqliteDriver } from './sqlite-driver.js';
import { FamilyBits } from '../families.js';
import { HostWriter, commitBatch } from '../host-writer.js';
import { CubeTally } from '../cube-tally.js';
import { commitOrSplit } from '../batch-retry.js';
import type { WriterInit, WriterReply, WriterRequest } from './write-thread.js';

const init = workerData as WriterInit;
const db = openSqliteDriver(init.path, { create: false });
// Bulk writes rewrite the same index pages commit after commit; checkpointing every 256 MB of WAL
// rather than 64 MB copies each page to the database file less often (WAL deleted on close).
await db.exec('PRAGMA wal_autocheckpoint = 65536');
const fam = new FamilyBits(db);
const writer = new HostWriter(db, fam);
const tallies = new Map<number, CubeTally>();
/** Scans whose tally was dropped (a failed write): never counted again. */
const untracked = new Set<number>();

async function handle(m: WriterRequest): Promise<WriterReply> {
  if (m.type === 'tally') {
    const t = tallies.get(m.scanId);
    return { id: m.id, tally: t ? { writes: t.writes, statements: t.statements(m.scanId) } : null };
  }
  if (m.track && !untracked.has(m.scanId) && !tallies.has(m.scanId)) tallies.set(m.scanId, new CubeTally());
  try {
    const refused = await commitOrSplit(m.batch, db.traits, db.traits.refusal, async (part) => {
      try {
        const written = await commitBatch(db, writer, m.scanId, part);
        tallies.get(m.scanId)?.add(written);
      } catch (err) {
        tallies.delete(m.scanId);
        untracked.add(m.scanId);
        throw err;
      }
    });
    return { id: m.id, ...(refused.length > 0 ? { refused } : {}) };
  } catch (err) {
    return {
      id: m.id,
      error: { message: (err as Error).message, ...(err instanceof ConfigError ? { code: err.code } : {}) },
    };
  }
}

let queue: Promise<unknown> = fam.reload();
parentPort?.on('message', (m: WriterRequest) => {
  queue = queue
    .then(() => handle(m))
    .then(
      (reply) => parentPort?.postMessage(reply),
      (err: Error) =>
        parentPort?.postMessage({ id: m.id, error: { message: err.message } } satisfies WriterReply),
    );
});
