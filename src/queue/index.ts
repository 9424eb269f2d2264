// Distributed scans and ingests: a job queue (pg-boss) and shard rows in the store's PostgreSQL.
export { ShardQueue, SHARD_RETRIES, jobId, type HeldShard, type ShardQueueOptions } from './shard-queue.js';
export { SHARD_QUEUE, type IngestJob, type ScanShardJob, type ShardJob } from './jobs.js';
export { shardRows, type ShardRow, type ShardState } from './shard-rows.js';
export { isQueueUrl, openQueueDb, queueLocation } from './connection.js';
