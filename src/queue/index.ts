// Distributed scans and ingests: a job queue (pg-boss) and shard rows in the store's PostgreSQL.
export { ShardQueue, SHARD_RETRIES, jobId, type HeldShard, type ShardQueueOptions } from './shard-queue.js';
export { SHARD_QUEUE, type IngestJob, type ScanShardJob, type ShardJob } from './jobs.js';
export type { ShardRow, ShardState } from './shard-rows.js';
export { isQueueUrl, queueLocation } from './connection.js';
