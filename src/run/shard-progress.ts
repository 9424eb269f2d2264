// Shard progress of distributed scans for a page that asks every few seconds (`excensus serve`):
// the shard rows read over one small pool kept open, with no job queue started to read them.
import { isQueueUrl, openQueueDb, shardRows } from '../queue/index.js';
import { summarizeShards, type DistributedScanState } from './distributed.js';

export interface ShardWatch {
  /** Every distributed scan's shard states (none for a SQLite store). */
  states(): Promise<DistributedScanState[]>;
  close(): Promise<void>;
}

/** Reads the shard rows of the store at `db` (a postgres:// URL; anything else has none). */
export function watchShards(db: string | undefined): ShardWatch {
  if (!db || !isQueueUrl(db)) return { states: () => Promise.resolve([]), close: () => Promise.resolve() };
  const q = openQueueDb(db); // opened once; pg is loaded only here
  q.catch(() => undefined); // a failure surfaces from states()
  return {
    states: async () => summarizeShards(await shardRows((await q).pool)),
    close: async () => (await q).pool.end(),
  };
}

/** A distributed scan's state as `scans --json` and `/api/scans` give it (docs/api.md). */
export function shardsToWire(d: DistributedScanState): Record<string, unknown> {
  return {
    queued: d.shards.queued,
    running: d.shards.running,
    done: d.shards.done,
    failed: d.shards.failed,
    total: d.shards.total,
    hosts_done: d.hostsDone,
    hosts_per_second: Math.round(d.rate * 10) / 10,
    workers: d.workers,
    failures: d.failures,
    complete: d.complete,
  };
}
