// SQL over scan_shards (store migration 10): one row per shard of a distributed scan. A row is
// changed only by the holder of its lease (a random token per attempt), so a worker that lost
// its shard to another (it stopped beating) can no longer move it.
import type pg from 'pg';
import type { ObservedWindow } from '../core/time-span.js';

type Db = pg.Pool | pg.PoolClient;

/** The database's clock in epoch ms: every machine judges staleness by the same clock. */
const NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

export type ShardState = 'queued' | 'running' | 'done' | 'failed';

export interface NewShardRow {
  scanId: number;
  shard: number;
  shards: number;
  kind: 'scan' | 'ingest';
  input: string | null;
  jobId: string;
  rate: number;
}

export interface ShardRow {
  scanId: number;
  shard: number;
  shards: number;
  kind: string;
  input: string | null;
  jobId: string;
  state: ShardState;
  worker: string | null;
  lease: string | null;
  hostsDone: number;
  rate: number;
  attempts: number;
  error: string | null;
  /** Milliseconds since the last heartbeat (running shards), by the database's clock. */
  silentMs: number | null;
  startedMs: number | null;
  finishedMs: number | null;
  nowMs: number;
}

const COLUMNS = `scan_id, shard, shards, kind, input, job_id, state, worker, lease, hosts_done, rate, attempts,
  error, started_ms, finished_ms, ${NOW_MS} - heartbeat_ms AS silent_ms, ${NOW_MS} AS now_ms`;

function toRow(r: Record<string, unknown>): ShardRow {
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return {
    scanId: Number(r.scan_id),
    shard: Number(r.shard),
    shards: Number(r.shards),
    kind: String(r.kind),
    input: (r.input as string | null) ?? null,
    jobId: String(r.job_id),
    state: r.state as ShardState,
    worker: (r.worker as string | null) ?? null,
    lease: (r.lease as string | null) ?? null,
    hostsDone: Number(r.hosts_done),
    rate: Number(r.rate),
    attempts: Number(r.attempts),
    error: (r.error as string | null) ?? null,
    silentMs: num(r.silent_ms),
    startedMs: num(r.started_ms),
    finishedMs: num(r.finished_ms),
    nowMs: Number(r.now_ms),
  };
}

/** Inserts the rows not there yet; returns the shard numbers inserted. */
export async function insertShards(db: Db, rows: NewShardRow[]): Promise<Set<number>> {
  const inserted = new Set<number>();
  for (const r of rows) {
    const res = await db.query(
      `INSERT INTO scan_shards (scan_id, shard, shards, kind, input, job_id, state, rate)
       VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7) ON CONFLICT (scan_id, shard) DO NOTHING RETURNING shard`,
      [r.scanId, r.shard, r.shards, r.kind, r.input, r.jobId, r.rate],
    );
    if (res.rowCount) inserted.add(r.shard);
  }
  return inserted;
}

/** Takes a shard for an attempt; null when it is already done (or unknown). */
export async function claimShard(
  db: Db,
  k: { scanId: number; shard: number; jobId: string; worker: string; lease: string },
): Promise<ShardRow | null> {
  const res = await db.query(
    `UPDATE scan_shards SET state = 'running', job_id = $3, worker = $4, lease = $5, heartbeat_ms = ${NOW_MS},
       attempts = attempts + 1, started_ms = COALESCE(started_ms, ${NOW_MS}), error = NULL
     WHERE scan_id = $1 AND shard = $2 AND state <> 'done' RETURNING ${COLUMNS}`,
    [k.scanId, k.shard, k.jobId, k.worker, k.lease],
  );
  return res.rows[0] ? toRow(res.rows[0]) : null;
}

/**
 * The holder's heartbeat and checkpoint: records stored, and the window of their times, which
 * widens the scan's (in one statement, so only the lease's holder widens it). False when the
 * lease is no longer this holder's.
 */
export async function beat(
  db: Db,
  lease: string,
  hostsDone: number,
  observed: ObservedWindow | null = null,
): Promise<boolean> {
  const res = await db.query(
    `WITH b AS (
       UPDATE scan_shards SET heartbeat_ms = ${NOW_MS}, hosts_done = GREATEST(hosts_done, $2) WHERE lease = $1
       RETURNING scan_id),
     w AS (${widen('$3', '$4')} FROM b WHERE scans.id = b.scan_id AND $3::text IS NOT NULL)
     SELECT count(*) AS n FROM b`,
    [lease, hostsDone, observed?.first ?? null, observed?.last ?? null],
  );
  return Number(res.rows[0]?.n ?? 0) > 0;
}

/**
 * Widens a scan's observed window (the store's scans table, migration 9) to take in the times of
 * records a shard stored: shards store in any order, so the scan keeps the earliest first and the
 * latest last. ISO 8601 UTC times of one length compare as text (in byte order: COLLATE "C").
 */
function widen(first: string, last: string): string {
  return `UPDATE scans SET
    observed_first = CASE WHEN observed_first IS NULL OR ${first}::text < observed_first COLLATE "C" THEN ${first}::text ELSE observed_first END,
    observed_last = CASE WHEN observed_last IS NULL OR ${last}::text > observed_last COLLATE "C" THEN ${last}::text ELSE observed_last END`;
}

export async function widenScanWindow(
  db: Db,
  scanId: number,
  observed: ObservedWindow | null,
): Promise<void> {
  if (!observed) return;
  await db.query(`${widen('$2', '$3')} WHERE id = $1`, [scanId, observed.first, observed.last]);
}

/** Ends the holder's attempt: back to the queue (with its next job), done, or failed. */
export async function endAttempt(
  db: Db,
  lease: string,
  to: { state: ShardState; hostsDone?: number; jobId?: string; error?: string | null },
): Promise<boolean> {
  const res = await db.query(
    `UPDATE scan_shards SET state = $2, worker = NULL, lease = NULL, heartbeat_ms = NULL,
       hosts_done = GREATEST(hosts_done, COALESCE($3, 0)), job_id = COALESCE($4, job_id), error = $5,
       finished_ms = CASE WHEN $2 IN ('done', 'failed') THEN ${NOW_MS} ELSE finished_ms END
     WHERE lease = $1`,
    [lease, to.state, to.hostsDone ?? null, to.jobId ?? null, to.error ?? null],
  );
  return (res.rowCount ?? 0) > 0;
}

/**
 * Locks every row of the scan, in shard order (inside a transaction), before one of them changes:
 * two holders finishing at once then take turns instead of each holding its own row while waiting
 * for the other's (a deadlock, which failed one of them).
 */
export async function lockScanShards(db: Db, scanId: number): Promise<void> {
  await db.query('SELECT shard FROM scan_shards WHERE scan_id = $1 ORDER BY shard FOR UPDATE', [scanId]);
}

/** Whether every shard of the scan is done (after lockScanShards, in the same transaction). */
export async function allShardsDone(db: Db, scanId: number): Promise<boolean> {
  const res = await db.query('SELECT state FROM scan_shards WHERE scan_id = $1', [scanId]);
  return res.rows.length > 0 && res.rows.every((r: { state: string }) => r.state === 'done');
}

/** Running shards whose holder has not beaten for `leaseMs`. */
export async function staleShards(db: Db, leaseMs: number): Promise<ShardRow[]> {
  const res = await db.query(
    `SELECT ${COLUMNS} FROM scan_shards WHERE state = 'running' AND heartbeat_ms < ${NOW_MS} - $1`,
    [leaseMs],
  );
  return res.rows.map(toRow);
}

/**
 * Scans still marked running whose every shard is done, the last more than `graceMs` ago: the
 * worker that finished the last shard stopped before it marked the scan complete. Marks them
 * complete in one statement, so of two workers sweeping at once only one gets each scan (and
 * finishes it through the store: finish time, summary).
 */
export async function claimScansLeftRunning(db: Db, graceMs: number): Promise<number[]> {
  const res = await db.query(
    `UPDATE scans SET state = 'complete' WHERE state = 'running' AND id IN (
       SELECT scan_id FROM scan_shards GROUP BY scan_id
       HAVING bool_and(state = 'done') AND max(finished_ms) < ${NOW_MS} - $1)
     RETURNING id`,
    [graceMs],
  );
  return res.rows.map((r: { id: string }) => Number(r.id));
}

/** Shards waiting or running, in every scan. */
export async function unfinishedCount(db: Db): Promise<number> {
  const res = await db.query(`SELECT count(*) AS n FROM scan_shards WHERE state IN ('queued', 'running')`);
  return Number(res.rows[0]?.n ?? 0);
}

export async function shardRows(db: Db, scanId?: number): Promise<ShardRow[]> {
  const res = await db.query(
    `SELECT ${COLUMNS} FROM scan_shards ${scanId === undefined ? '' : 'WHERE scan_id = $1'} ORDER BY scan_id, shard`,
    scanId === undefined ? [] : [scanId],
  );
  return res.rows.map(toRow);
}

/** Puts failed shards back in the queue (their jobs are retried by pg-boss); returns them. */
export async function requeueFailed(db: Db, scanId: number): Promise<ShardRow[]> {
  const res = await db.query(
    `UPDATE scan_shards SET state = 'queued', finished_ms = NULL WHERE scan_id = $1 AND state = 'failed' RETURNING ${COLUMNS}`,
    [scanId],
  );
  return res.rows.map(toRow);
}

/** Takes a shard back from a holder still silent for `leaseMs` (by its lease); false if it beat or moved. */
export async function takeStale(db: Db, lease: string, leaseMs: number, error: string): Promise<boolean> {
  const res = await db.query(
    `UPDATE scan_shards SET state = 'queued', worker = NULL, lease = NULL, heartbeat_ms = NULL, error = $2
     WHERE lease = $1 AND state = 'running' AND heartbeat_ms < ${NOW_MS} - $3`,
    [lease, error, leaseMs],
  );
  return (res.rowCount ?? 0) > 0;
}

/** Marks a shard dead-lettered (its job failed for good). */
export async function markFailed(db: Db, scanId: number, shard: number): Promise<void> {
  await db.query(
    `UPDATE scan_shards SET state = 'failed', finished_ms = ${NOW_MS} WHERE scan_id = $1 AND shard = $2`,
    [scanId, shard],
  );
}
