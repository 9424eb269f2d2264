// Distributed scans and ingests, the coordinator's side: enqueue a scan's shards or an ingest's
// inputs (scan/ingest --queue), follow them (--wait), list their shard states (`scans`, the
// dashboard), retry dead-lettered shards. Workers run them (./worker.ts).
import { ConfigError, UsageError } from '../core/errors.js';
import { loadKnowledgeBase } from '../kb/index.js';
import { loadProbePlan, parseExcludeList, parsePorts, readExcludeFile } from '../probe/index.js';
import {
  SHARD_QUEUE,
  ShardQueue,
  isQueueUrl,
  queueLocation,
  type ShardJob,
  type ShardQueueOptions,
  type ShardRow,
} from '../queue/index.js';
import type { ScanInfo, ScanMeta, Store } from '../store/index.js';
import type { GeoChoice } from './geo.js';
import type { ObservedWindow } from '../core/time-span.js';
import { defaultScanName, isDistributed } from './recorder.js';
import { defaultScanSeries, type ScanIntoStoreOptions } from './scan.js';
import { openStoreForReading } from './store.js';

/** What a shard is scanned with: the same fields, and meanings, as a local scan's. */
type ShardScanFields = Pick<
  ScanIntoStoreOptions,
  | 'targets'
  | 'inputs'
  | 'ports'
  | 'seed'
  | 'concurrency'
  | 'probeTimeoutMs'
  | 'hostTimeoutMs'
  | 'maxBodyBytes'
  | 'maxRedirects'
  | 'userAgent'
  | 'excludeFiles'
  | 'asOf'
  | 'name'
  | 'series'
  | 'geo'
>;

export interface EnqueueScanOptions extends ShardScanFields {
  /** The store's postgres:// URL (the queue lives in the same database). */
  db: string;
  store: Store;
  shards: number;
  /** Total hosts per second over all workers (0 = no limit); each shard gets rate/shards. */
  rate: number;
  labTruth?: string;
  /** Records per store transaction (a shard's checkpoints are this far apart). */
  batchSize?: number;
}

export interface EnqueueIngestOptions {
  db: string;
  store: Store;
  /** Paths every worker can read, or http(s) URLs: one job each. */
  inputs: string[];
  format?: string;
  exchangeOnly?: boolean;
  asOf: string;
  name?: string;
  series?: string;
  geo?: GeoChoice;
  /** When the data was observed (--observed-at): dates the scan, and overrides the records' times. */
  observedAt?: ObservedWindow;
}

export interface EnqueueResult {
  scan: ScanInfo;
  /** Jobs added now (0 when another coordinator enqueued this scan already). */
  enqueued: number;
  /** The scan existed (same name) and was left as it was. */
  existed: boolean;
}

export async function enqueueScan(o: EnqueueScanOptions): Promise<EnqueueResult> {
  if (typeof parsePorts(o.ports, loadProbePlan().ports) === 'string')
    throw new UsageError(`--ports: ${o.ports}`);
  if (!Number.isInteger(o.shards) || o.shards < 1) throw new UsageError('--shards: a whole number >= 1');
  // the lists as they stand now travel with the jobs; a bad line stops the coordinator, not a worker
  const exclude = (o.excludeFiles ?? []).map((f) => ({ name: f, text: readExcludeFile(f) }));
  for (const l of exclude) parseExcludeList(l.name, l.text);
  const startedAt = new Date().toISOString();
  const meta: ScanMeta = {
    name: o.name ?? defaultScanName('scan', 'probe', startedAt),
    kind: 'scan',
    source: 'probe',
    series: o.series ?? defaultScanSeries(o.inputs, o.ports),
    startedAt,
    inputs: o.inputs,
    options: {
      ports: o.ports,
      seed: o.seed,
      rate: o.rate,
      concurrency: o.concurrency,
      as_of: o.asOf,
      kb_version: loadKnowledgeBase().version,
      distributed: { queue: SHARD_QUEUE, shards: o.shards },
    },
  };
  return enqueue(o.db, o.store, meta, (scan) =>
    Array.from({ length: o.shards }, (_, i) => ({
      kind: 'scan' as const,
      scanId: scan.id,
      scanName: scan.name,
      shard: i + 1,
      shards: o.shards,
      asOf: o.asOf,
      geo: o.geo ?? {},
      targets: o.targets.map((t) => t.text),
      ports: o.ports,
      seed: o.seed,
      rate: o.rate / o.shards,
      concurrency: o.concurrency,
      probeTimeoutMs: o.probeTimeoutMs,
      hostTimeoutMs: o.hostTimeoutMs,
      maxBodyBytes: o.maxBodyBytes,
      maxRedirects: o.maxRedirects,
      ...(o.userAgent !== undefined ? { userAgent: o.userAgent } : {}),
      exclude,
      ...(o.labTruth !== undefined ? { labTruth: o.labTruth } : {}),
      ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
    })),
  );
}

export async function enqueueIngest(o: EnqueueIngestOptions): Promise<EnqueueResult> {
  if (o.inputs.length === 0) throw new UsageError('ingest --queue: give at least one FILE or URL');
  for (const i of o.inputs) {
    if (i === '-') throw new UsageError('ingest --queue: stdin cannot be shared with workers');
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(i) && !/^https?:\/\//i.test(i))
      throw new UsageError(`ingest --queue: "${i}": only http(s) URLs can be fetched`);
  }
  const startedAt = new Date().toISOString();
  const source = o.format ?? 'auto';
  const meta: ScanMeta = {
    name: o.name ?? defaultScanName('ingest', source, startedAt),
    kind: 'ingest',
    source,
    series: o.series ?? `ingest:${source}`,
    startedAt,
    inputs: o.inputs,
    options: {
      exchange_only: o.exchangeOnly ?? false,
      as_of: o.asOf,
      count_plain: false,
      kb_version: loadKnowledgeBase().version,
      distributed: { queue: SHARD_QUEUE, shards: o.inputs.length },
    },
  };
  return enqueue(
    o.db,
    o.store,
    meta,
    (scan) =>
      o.inputs.map((input, i) => ({
        kind: 'ingest' as const,
        scanId: scan.id,
        scanName: scan.name,
        shard: i + 1,
        shards: o.inputs.length,
        asOf: o.asOf,
        geo: o.geo ?? {},
        input,
        ...(o.format !== undefined ? { format: o.format } : {}),
        exchangeOnly: o.exchangeOnly ?? false,
        ...(o.observedAt ? { observedAt: o.observedAt } : {}),
      })),
    o.observedAt,
  );
}

/**
 * Creates the scan and its jobs once: coordinators of one name take turns (an advisory lock), and
 * the later one finds the scan and adds nothing (or only the shards a crashed one left out).
 */
async function enqueue(
  db: string,
  store: Store,
  meta: ScanMeta,
  jobsFor: (scan: ScanInfo) => ShardJob[],
  observedAt?: ObservedWindow,
): Promise<EnqueueResult> {
  const queue = await openQueue(db);
  try {
    return await queue.withNameLock(meta.name, async () => {
      let scan = await store.getScan(meta.name);
      const existed = scan !== null;
      if (scan && (!isDistributed(scan) || !sameWork(scan, meta)))
        throw new ConfigError(
          'E_SCAN_NAME',
          `a scan named "${meta.name}" exists already ${isDistributed(scan) ? 'with other targets or options' : '(not distributed)'}`,
        );
      if (!scan) {
        const id = await store.createScan(meta);
        // dated before any worker stores a record; workers' records then widen it (no-op: same window)
        if (observedAt) await store.setObservedWindow(id, observedAt);
        scan = await store.getScan(meta.name);
        if (!scan) throw new Error(`scan "${meta.name}" vanished after creation`);
      }
      const enqueued = await queue.enqueue(jobsFor(scan));
      return { scan, enqueued, existed };
    });
  } finally {
    await queue.close();
  }
}

function sameWork(scan: ScanInfo, meta: ScanMeta): boolean {
  const pick = (m: Pick<ScanMeta, 'kind' | 'inputs' | 'options'>) =>
    JSON.stringify([m.kind, m.inputs, m.options.ports ?? null, m.options.distributed]);
  return pick(scan) === pick(meta);
}

/**
 * Throws the configuration error openQueue gives for `db` (not a postgres:// URL, or a bad schema
 * name), before anything is opened: a worker checks it before it opens, or creates, the store.
 */
export function requireQueueUrl(db: string): void {
  if (!isQueueUrl(db))
    throw new ConfigError(
      'E_QUEUE_DB',
      `distributed scans need a PostgreSQL store (--db postgres://...), not "${db}"`,
    );
  queueLocation(db);
}

/** Opens the queue of a postgres:// store; anything else is a configuration error that says so. */
export async function openQueue(db: string, o: ShardQueueOptions = {}): Promise<ShardQueue> {
  requireQueueUrl(db);
  return ShardQueue.open(db, o).catch((err: unknown) => {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(
      'E_QUEUE_DB',
      `cannot open the job queue in ${db.replace(/\/\/[^@]*@/, '//')}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  });
}

/** A distributed scan's progress, as `scans`, `--wait` and the dashboard show it. */
export interface DistributedScanState {
  scanId: number;
  name: string;
  shards: { queued: number; running: number; done: number; failed: number; total: number };
  /** Records stored by its shards (as of their last checkpoints). */
  hostsDone: number;
  /** Records stored per second since its first shard started. */
  rate: number;
  /** Workers holding a shard now. */
  workers: string[];
  /** Dead-lettered shards, with their last error. */
  failures: Array<{ shard: number; input: string | null; error: string | null }>;
  /** Every shard done. */
  complete: boolean;
}

export function summarizeShards(rows: ShardRow[]): DistributedScanState[] {
  const byScan = new Map<number, ShardRow[]>();
  for (const r of rows) byScan.set(r.scanId, [...(byScan.get(r.scanId) ?? []), r]);
  return [...byScan.entries()].map(([scanId, list]) => {
    const count = (s: string) => list.filter((r) => r.state === s).length;
    const hostsDone = list.reduce((n, r) => n + r.hostsDone, 0);
    const started = Math.min(...list.map((r) => r.startedMs ?? Infinity));
    const active = list.some((r) => r.state === 'queued' || r.state === 'running');
    const end = active ? list[0]!.nowMs : Math.max(...list.map((r) => r.finishedMs ?? 0));
    const secs = Number.isFinite(started) ? Math.max((end - started) / 1000, 0.001) : 0;
    return {
      scanId,
      name: '',
      shards: {
        queued: count('queued'),
        running: count('running'),
        done: count('done'),
        failed: count('failed'),
        total: list.length,
      },
      hostsDone,
      rate: secs > 0 ? hostsDone / secs : 0,
      workers: [...new Set(list.filter((r) => r.state === 'running').map((r) => r.worker ?? '?'))].sort(),
      failures: list
        .filter((r) => r.state === 'failed')
        .map((r) => ({ shard: r.shard, input: r.input, error: r.error })),
      complete: count('done') === list.length,
    };
  });
}

/** Shard states of the store's distributed scans (none for a SQLite store). */
export async function distributedScanStates(db: string, store: Store): Promise<DistributedScanState[]> {
  if (!isQueueUrl(db)) return [];
  const queue = await openQueue(db);
  try {
    const states = summarizeShards(await queue.shards());
    for (const s of states) s.name = (await store.getScan(s.scanId))?.name ?? String(s.scanId);
    return states;
  } finally {
    await queue.close();
  }
}

/** `scans retry NAME`: the scan's dead-lettered shards get one more attempt. Returns how many. */
export async function retryFailedShards(db: string, store: Store, ref: string): Promise<number> {
  const scan = await store.getScan(ref);
  if (!scan) throw new ConfigError('E_SCAN', `no scan "${ref}" in the store`);
  if (!isDistributed(scan)) throw new ConfigError('E_SCAN', `scan "${scan.name}" is not distributed`);
  const queue = await openQueue(db);
  try {
    return await queue.retryFailed(scan.id);
  } finally {
    await queue.close();
  }
}

/**
 * Follows a distributed scan until no shard waits or runs; returns its last state. When every
 * shard is done it also waits (up to `markMs`, default 30 s) for the scan to be marked complete, so
 * that a `report` run right after `--wait` finds it among the complete scans.
 */
export async function waitForScan(
  db: string,
  scan: ScanInfo,
  o: {
    onProgress?: (s: DistributedScanState) => void;
    signal?: AbortSignal;
    pollMs?: number;
    markMs?: number;
  } = {},
): Promise<DistributedScanState> {
  const queue = await openQueue(db);
  const pause = () => new Promise((r) => setTimeout(r, o.pollMs ?? 1000));
  try {
    for (;;) {
      const state = summarizeShards(await queue.shards(scan.id))[0];
      if (!state) throw new Error(`scan "${scan.name}" has no shards`);
      state.name = scan.name;
      o.onProgress?.(state);
      if (state.shards.queued + state.shards.running === 0 || o.signal?.aborted) {
        if (state.complete) await untilMarked(db, scan, Date.now() + (o.markMs ?? 30_000), pause, o.signal);
        return state;
      }
      await pause();
    }
  } finally {
    await queue.close();
  }
}

async function untilMarked(
  db: string,
  scan: ScanInfo,
  deadline: number,
  pause: () => Promise<unknown>,
  signal?: AbortSignal,
): Promise<void> {
  const store = await openStoreForReading(db);
  try {
    while ((await store.getScan(scan.id))?.state === 'running' && Date.now() < deadline && !signal?.aborted)
      await pause();
  } finally {
    await store.close();
  }
}
