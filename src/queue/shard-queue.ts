// The coordinator's and the workers' view of the queue: pg-boss (jobs, SKIP LOCKED fetches,
// retries, dead letters) plus scan_shards (who holds what, heartbeats, checkpoints, states).
// Every change that touches both goes in one transaction, so a crash never leaves a shard
// whose row and job disagree.
import { createHash, randomUUID } from 'node:crypto';
import type PgBoss from 'pg-boss';
import { bossDb, inTransaction, openQueueDb, type QueueDb } from './connection.js';
import { SHARD_QUEUE, shardJob, type ShardJob } from './jobs.js';
import {
  allShardsDone,
  beat,
  claimShard,
  endAttempt,
  insertShards,
  lockScanShards,
  markFailed,
  requeueFailed,
  claimScansLeftRunning,
  shardRows,
  staleShards,
  takeStale,
  unfinishedCount,
  widenScanWindow,
  type ShardRow,
} from './shard-rows.js';
import type { ObservedWindow } from '../core/time-span.js';

export interface ShardQueueOptions {
  /** Run pg-boss maintenance (expiry of jobs past their deadline, archiving): workers do. */
  supervise?: boolean;
  /** Told about pg-boss's background errors (a dropped connection...). */
  onError?: (err: Error) => void;
  /**
   * pg-boss starts (and creates its schema) only once this settles, and not at all when it
   * rejects (the open then rejects with its reason): the worker passes the store's open, so a
   * store it refuses (one written by a newer excensus) gets no queue tables.
   */
  startAfter?: Promise<unknown>;
}

/** Attempts of a failing shard before it is dead-lettered (state failed). */
export const SHARD_RETRIES = 2;

/** A job as a worker holds it: the data, the job's id and the attempt's lease. */
export interface HeldShard {
  jobId: string;
  job: ShardJob;
  lease: string;
  /** The shard's checkpoint: records stored by earlier attempts. */
  hostsBefore: number;
}

export class ShardQueue {
  private constructor(
    private readonly db: QueueDb,
    private readonly boss: PgBoss,
  ) {}

  static async open(url: string, o: ShardQueueOptions = {}): Promise<ShardQueue> {
    const db = await openQueueDb(url);
    // loaded here, not with the module: pg reads the global Response when it loads, which starts
    // Node's fetch and its WebAssembly, whose memory an address-space limit (ulimit -v) refuses
    const { default: PgBoss } = await import('pg-boss');
    const boss = new PgBoss({
      connectionString: db.url,
      schema: db.bossSchema,
      max: 3,
      schedule: false,
      supervise: o.supervise ?? false,
      maintenanceIntervalSeconds: 30,
    });
    boss.on('error', (err) => o.onError?.(err));
    try {
      await o.startAfter;
    } catch (err) {
      await db.pool.end().catch(() => undefined);
      throw err;
    }
    try {
      await boss.start();
      await createQueueOnce(db, boss);
    } catch (err) {
      await boss.stop({ graceful: false, wait: false }).catch(() => undefined);
      await db.pool.end().catch(() => undefined);
      throw err;
    }
    return new ShardQueue(db, boss);
  }

  /**
   * Enqueues the shards not enqueued yet (a second coordinator of the same scan adds nothing):
   * rows and jobs in one transaction, job ids derived from the scan and shard.
   */
  async enqueue(jobs: ShardJob[]): Promise<number> {
    return inTransaction(this.db.pool, async (client) => {
      const rows = jobs.map((j) => ({
        scanId: j.scanId,
        shard: j.shard,
        shards: j.shards,
        kind: j.kind,
        input: j.kind === 'ingest' ? j.input : null,
        jobId: jobId(j.scanName, j.shard, 0),
        rate: j.kind === 'scan' ? j.rate : 0,
      }));
      const fresh = await insertShards(client, rows);
      const toSend = jobs.filter((j) => fresh.has(j.shard));
      if (toSend.length > 0)
        await this.boss.insert(
          toSend.map((j) => ({ id: jobId(j.scanName, j.shard, 0), name: SHARD_QUEUE, data: j })),
          { db: bossDb(client) },
        );
      return toSend.length;
    });
  }

  /**
   * Fetches up to `n` jobs and claims their shards. A job whose data does not validate is failed
   * (dead-lettered after its retries) rather than run.
   */
  async take(n: number, worker: string): Promise<HeldShard[]> {
    const jobs = await this.boss.fetch<unknown>(SHARD_QUEUE, { batchSize: n });
    const held: HeldShard[] = [];
    for (const j of jobs) {
      const parsed = shardJob.safeParse(j.data);
      if (!parsed.success) {
        await this.boss.fail(SHARD_QUEUE, j.id, { message: `bad job data: ${parsed.error.message}` });
        continue;
      }
      const job = parsed.data;
      const lease = randomUUID();
      const row = await claimShard(this.db.pool, {
        scanId: job.scanId,
        shard: job.shard,
        jobId: j.id,
        worker,
        lease,
      });
      if (!row) {
        await this.boss.complete(SHARD_QUEUE, j.id, { skipped: 'shard already done' });
        continue;
      }
      // an ingest input is read again from its start (its rows replace the earlier ones): it
      // counts from 0, or a retry would count its records twice
      held.push({ jobId: j.id, job, lease, hostsBefore: job.kind === 'ingest' ? 0 : row.hostsDone });
    }
    return held;
  }

  /**
   * Heartbeat with checkpoint (records stored by this attempt, and the window of their times, which
   * widens the scan's); false when the shard is no longer ours.
   */
  beat(h: HeldShard, hostsDone: number, observed: ObservedWindow | null = null): Promise<boolean> {
    return beat(this.db.pool, h.lease, h.hostsBefore + hostsDone, observed);
  }

  /** The shard is finished: completes its job; true when it was the scan's last one. */
  async done(
    h: HeldShard,
    hostsDone: number,
    observed: ObservedWindow | null = null,
  ): Promise<{ ours: boolean; scanComplete: boolean }> {
    return inTransaction(this.db.pool, async (client) => {
      await lockScanShards(client, h.job.scanId);
      const ours = await endAttempt(client, h.lease, { state: 'done', hostsDone: h.hostsBefore + hostsDone });
      if (!ours) return { ours, scanComplete: false };
      await widenScanWindow(client, h.job.scanId, observed);
      await this.boss.complete(SHARD_QUEUE, h.jobId, { hosts: hostsDone }, { db: bossDb(client) });
      return { ours, scanComplete: await allShardsDone(client, h.job.scanId) };
    });
  }

  /**
   * Gives the shard back at its checkpoint (SIGTERM): the job is completed as handed back and a
   * new one queued in the same transaction, so handing back costs none of the shard's retries.
   */
  async release(h: HeldShard, hostsDone: number, observed: ObservedWindow | null = null): Promise<boolean> {
    return inTransaction(this.db.pool, async (client) => {
      const next = randomUUID();
      const ours = await endAttempt(client, h.lease, {
        state: 'queued',
        hostsDone: h.hostsBefore + hostsDone,
        jobId: next,
      });
      if (!ours) return false;
      await widenScanWindow(client, h.job.scanId, observed);
      const db = bossDb(client);
      await this.boss.complete(SHARD_QUEUE, h.jobId, { handedBack: true }, { db });
      await this.boss.insert([{ id: next, name: SHARD_QUEUE, data: h.job }], { db });
      return true;
    });
  }

  /** The attempt failed: pg-boss retries the job or dead-letters it; the row follows. */
  async fail(
    h: HeldShard,
    error: string,
    hostsDone: number,
    observed: ObservedWindow | null = null,
  ): Promise<'queued' | 'failed' | 'lost'> {
    return inTransaction(this.db.pool, async (client) => {
      const db = bossDb(client);
      await this.boss.fail(SHARD_QUEUE, h.jobId, { message: error }, { db });
      const state = (await this.boss.getJobById(SHARD_QUEUE, h.jobId, { db, includeArchive: false }))?.state;
      const to = state === 'failed' ? 'failed' : 'queued';
      const ours = await endAttempt(client, h.lease, {
        state: to,
        error,
        hostsDone: h.hostsBefore + hostsDone,
      });
      // what the attempt stored stays in the scan: its times date it too
      if (ours) await widenScanWindow(client, h.job.scanId, observed);
      return ours ? to : 'lost';
    });
  }

  /**
   * Takes back shards whose holder stopped beating `leaseMs` ago (killed, frozen, cut off): their
   * jobs fail, so pg-boss hands them to the next fetch (or dead-letters them). Returns them.
   */
  async reapStale(leaseMs: number): Promise<ShardRow[]> {
    const reaped: ShardRow[] = [];
    for (const s of await staleShards(this.db.pool, leaseMs)) {
      const moved = await inTransaction(this.db.pool, async (client) => {
        const error = `worker ${s.worker ?? '?'} stopped beating (${Math.round((s.silentMs ?? 0) / 1000)} s)`;
        if (!(await takeStale(client, s.lease!, leaseMs, error))) return false;
        const db = bossDb(client);
        await this.boss.fail(SHARD_QUEUE, s.jobId, { message: error }, { db });
        const state = (await this.boss.getJobById(SHARD_QUEUE, s.jobId, { db, includeArchive: false }))
          ?.state;
        if (state === 'failed') await markFailed(client, s.scanId, s.shard);
        return true;
      });
      if (moved) reaped.push(s);
    }
    return reaped;
  }

  /** Runs `fn` while holding a lock on a scan name: coordinators of one name take turns. */
  async withNameLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const client = await this.db.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(74652310, hashtext($1))', [name]);
      try {
        return await fn();
      } finally {
        await client
          .query('SELECT pg_advisory_unlock(74652310, hashtext($1))', [name])
          .catch(() => undefined);
      }
    } finally {
      client.release();
    }
  }

  /** Shards waiting or running anywhere (a dead holder's counts until it is reaped). */
  unfinished(): Promise<number> {
    return unfinishedCount(this.db.pool);
  }

  /** Scans whose shards are all done (the last over `graceMs` ago) but which no one marked complete: now marked. */
  claimScansLeftRunning(graceMs: number): Promise<number[]> {
    return claimScansLeftRunning(this.db.pool, graceMs);
  }

  shards(scanId?: number): Promise<ShardRow[]> {
    return shardRows(this.db.pool, scanId);
  }

  /** Dead-lettered shards of a scan go back to the queue, one more attempt each. */
  async retryFailed(scanId: number): Promise<number> {
    return inTransaction(this.db.pool, async (client) => {
      const rows = await requeueFailed(client, scanId);
      if (rows.length > 0)
        await this.boss.retry(
          SHARD_QUEUE,
          rows.map((r) => r.jobId),
          { db: bossDb(client) },
        );
      return rows.length;
    });
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: false, wait: true, close: true }).catch(() => undefined);
    await this.db.pool.end().catch(() => undefined);
  }
}

/**
 * Creates the shard queue unless it exists. Processes starting at once on a fresh database take
 * turns (an advisory lock): pg-boss's create_queue run by two sessions at once deadlocks (each
 * waits for the other's queue row while holding what the other's partition needs).
 */
async function createQueueOnce(db: QueueDb, boss: PgBoss): Promise<void> {
  if (await boss.getQueue(SHARD_QUEUE)) return;
  const client = await db.pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(74652311, hashtext($1))', [db.bossSchema]);
    try {
      // A backstop only: a dead holder's shard is taken back by its peers after the lease (seconds).
      await boss.createQueue(SHARD_QUEUE, {
        name: SHARD_QUEUE,
        policy: 'standard',
        retryLimit: SHARD_RETRIES,
        retryDelay: 1,
        expireInHours: 23,
      });
    } finally {
      await client.query('SELECT pg_advisory_unlock(74652311, hashtext($1))', [db.bossSchema]);
    }
  } finally {
    client.release();
  }
}

/** The first job of a shard has an id fixed by scan name and shard, so enqueuing twice adds nothing. */
export function jobId(scanName: string, shard: number, generation: number): string {
  const h = createHash('sha256').update(`excensus:${scanName}:${shard}:${generation}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
