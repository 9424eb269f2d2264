// What a job carries: everything a worker on another machine needs to run one shard of a scan
// or one input of an ingest exactly as a local run would (targets, ports, seed, its share of the
// rate, the exclusion lists as they stood when the scan was enqueued). Validated when fetched:
// job data comes from the database, written by whichever version enqueued it.
import { z } from 'zod';

export const SHARD_QUEUE = 'excensus-shards';

const common = {
  scanId: z.number().int().positive(),
  scanName: z.string().min(1),
  /** 1-based, of `shards`. */
  shard: z.number().int().positive(),
  shards: z.number().int().positive(),
  asOf: z.string(),
  geo: z.object({
    disabled: z.boolean().optional(),
    countryDb: z.string().optional(),
    asnDb: z.string().optional(),
  }),
};

export const scanShardJob = z.object({
  kind: z.literal('scan'),
  ...common,
  /** Target specs as typed (addresses, CIDRs, ranges, names): lists were read by the coordinator. */
  targets: z.array(z.string()),
  ports: z.string(),
  seed: z.number().int(),
  /** This shard's share of the scan's rate (hosts/s; 0 = no limit). */
  rate: z.number().min(0),
  concurrency: z.number().int().positive(),
  probeTimeoutMs: z.number().int().positive(),
  hostTimeoutMs: z.number().int().positive(),
  maxBodyBytes: z.number().int().positive(),
  maxRedirects: z.number().int().min(0),
  userAgent: z.string().optional(),
  /** Exclusion lists (name and text), checked again by each worker with the bundled blocklist. */
  exclude: z.array(z.object({ name: z.string(), text: z.string() })),
  /** Records per store transaction: a shard's checkpoints are this far apart. */
  batchSize: z.number().int().positive().optional(),
  /** The lab's ground truth (a path every worker can read), for lab scans only. */
  labTruth: z.string().optional(),
});

export const ingestJob = z.object({
  kind: z.literal('ingest'),
  ...common,
  /** A path every worker can read, or an http(s) URL. */
  input: z.string().min(1),
  format: z.string().optional(),
  exchangeOnly: z.boolean(),
  /** The coordinator's --observed-at: overrides the records' own times (and dates those without one). */
  observedAt: z.object({ first: z.string(), last: z.string() }).optional(),
});

export const shardJob = z.discriminatedUnion('kind', [scanShardJob, ingestJob]);
export type ScanShardJob = z.infer<typeof scanShardJob>;
export type IngestJob = z.infer<typeof ingestJob>;
export type ShardJob = z.infer<typeof shardJob>;
