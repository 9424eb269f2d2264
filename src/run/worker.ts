// `excensus worker`: takes shards of distributed scans and ingests from the queue and runs each
// with the same use case as a local run (scanIntoStore / ingestIntoStore, as `partOf` the scan),
// beating a heartbeat with its checkpoint while it works. Peers take back the shards of a worker
// that stops beating; a stop signal hands the shards in hand back at their checkpoints.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseTargetSpec, type ScanProgress, type TargetSpec } from '../probe/index.js';
import type { HeldShard, IngestJob, ScanShardJob, ShardQueue } from '../queue/index.js';
import type { ScanInfo, Store } from '../store/index.js';
import { ingestIntoStore } from './ingest.js';
import { readLabTruthGeo } from './lab-truth.js';
import { scanIntoStore } from './scan.js';
import { openQueue, requireQueueUrl } from './distributed.js';
import { openStoreForWriting } from './store.js';
import { ShardBeat } from './shard-beat.js';
import { loadKnowledgeBase } from '../kb/index.js';
import type { ObservedWindow } from '../core/time-span.js';

export interface WorkerOptions {
  /** The store's postgres:// URL. */
  db: string;
  /** Shards run at once. */
  concurrency: number;
  /** Return once no shard waits or runs anywhere (a dead holder's shard is taken back and finished first). */
  exitWhenIdle: boolean;
  /** Stop: shards in hand finish their hosts in flight, store them and go back to the queue. */
  signal?: AbortSignal;
  /** Default: host name and process id. */
  id?: string;
  /** A holder silent this long loses its shard to its peers (default 10 s). */
  leaseMs?: number;
  /** How often to look for work when idle (default 1 s). */
  pollMs?: number;
  /** Give up (throw) when the database stays unreachable this long (default 60 s). */
  giveUpAfterMs?: number;
  onEvent?: (message: string) => void;
}

export interface WorkerResult {
  done: number;
  handedBack: number;
  failed: number;
  /** Ingest inputs handed back while still being read (the caller may exit without waiting). */
  abandoned: number;
}

export async function runWorker(o: WorkerOptions): Promise<WorkerResult> {
  const id = o.id ?? `${hostname()}:${process.pid}`;
  const leaseMs = o.leaseMs ?? 10_000;
  const say = (m: string) => o.onEvent?.(`worker ${id}: ${m}`);
  // store and queue open side by side: a worker's start-up counts against every batch job it runs
  const [store, queue] = await openBoth(o.db, (e) => say(`queue: ${e.message}`));
  const result: WorkerResult = { done: 0, handedBack: 0, failed: 0, abandoned: 0 };
  const running = new Map<string, Promise<void>>();
  // shards whose every target has started (only hosts in flight are left): up to --concurrency of
  // them do not count against it, so the next shard starts while one drains instead of after
  const draining = new Set<string>();
  let failingSince: number | null = null;
  let lastSweep = 0;
  let woken = false;
  let wake: () => void = () => {};
  const wakeUp = () => {
    woken = true;
    wake();
  };
  const stopped = new Promise<void>((r) => o.signal?.addEventListener('abort', () => r(), { once: true }));
  try {
    while (!o.signal?.aborted) {
      woken = false;
      try {
        for (const s of await queue.reapStale(leaseMs))
          say(
            `took back ${s.kind} ${s.scanId} shard ${s.shard}/${s.shards} from ${s.worker ?? '?'} (silent ${Math.round((s.silentMs ?? 0) / 1000)} s)`,
          );
        const free = o.concurrency - running.size + Math.min(draining.size, o.concurrency);
        const held = free > 0 ? await queue.take(free, id) : [];
        for (const h of held) {
          const ctx = { queue, store, id, leaseMs, say, result, ...(o.signal ? { signal: o.signal } : {}) };
          const p = runShard(h, ctx, () => {
            draining.add(h.lease);
            wakeUp();
          }).finally(() => {
            running.delete(h.lease);
            draining.delete(h.lease);
            wakeUp();
          });
          running.set(h.lease, p);
        }
        const idle = running.size === 0 && held.length === 0;
        if (idle && Date.now() - lastSweep >= leaseMs) {
          lastSweep = Date.now();
          await finishLeftRunning(queue, store, leaseMs, say);
        }
        if (o.exitWhenIdle && idle && (await queue.unfinished()) === 0) break;
        failingSince = null;
      } catch (err) {
        failingSince ??= Date.now();
        say(`database: ${(err as Error).message}; trying again`);
        if (Date.now() - failingSince > (o.giveUpAfterMs ?? 60_000)) throw err;
      }
      if (woken) continue; // a shard finished or drained while this turn ran: look again now
      // the poll's timer is cleared when woken: left running, the last one held the exit up to pollMs
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((r) => {
          wake = r;
          timer = setTimeout(r, o.pollMs ?? 1000);
        }),
        stopped,
      ]);
      clearTimeout(timer);
    }
    await Promise.all(running.values());
  } finally {
    await queue.close();
    await store.close();
  }
  return result;
}

async function openBoth(db: string, onError: (e: Error) => void): Promise<[Store, ShardQueue]> {
  // checked first: a path would otherwise open (and create) a SQLite store the worker cannot use
  requireQueueUrl(db);
  // the queue loads pg and pg-boss meanwhile, but starts pg-boss (which connects and creates its
  // schema) only once the store is open: a store that is refused (a newer excensus's) is left as it
  // was. Both promises are settled here, whichever fails first (openQueue never throws at once).
  const store = openStoreForWriting(db);
  const [s, q] = await Promise.allSettled([
    store,
    openQueue(db, { supervise: true, onError, startAfter: store }),
  ]);
  if (s.status === 'fulfilled' && q.status === 'fulfilled') return [s.value, q.value];
  if (s.status === 'fulfilled') await s.value.close();
  if (q.status === 'fulfilled') await q.value.close();
  throw s.status === 'rejected' ? s.reason : (q as PromiseRejectedResult).reason;
}

/**
 * Marks complete the scans whose shards are all done but which are still running: the worker that
 * finished the last shard stopped (killed, cut off) between completing it and marking the scan.
 */
async function finishLeftRunning(
  queue: ShardQueue,
  store: Store,
  graceMs: number,
  say: (m: string) => void,
): Promise<void> {
  for (const scanId of await queue.claimScansLeftRunning(graceMs)) {
    await store.finishScan(scanId, 'complete');
    say(`scan ${scanId}: every shard was done but the scan was not marked complete; marked it`);
  }
}

interface ShardContext {
  queue: ShardQueue;
  store: Store;
  id: string;
  leaseMs: number;
  say: (m: string) => void;
  result: WorkerResult;
  signal?: AbortSignal;
}

/** `onDrain`: every target of the shard has started; only hosts in flight are left. */
async function runShard(h: HeldShard, c: ShardContext, onDrain: () => void): Promise<void> {
  const j = h.job;
  const what = `${j.kind} "${j.scanName}" shard ${j.shard}/${j.shards}${j.kind === 'ingest' ? ` (${j.input})` : ''}`;
  c.say(`took ${what}${h.hostsBefore ? `, ${h.hostsBefore} records stored before` : ''}`);
  const began = performance.now();
  const stop = new AbortController();
  let lost = false;
  const beat = new ShardBeat(
    c.queue,
    h,
    Math.max(Math.min(c.leaseMs / 5, 2000), 100),
    () => {
      if (lost) return;
      lost = true;
      c.say(`lost ${what} to a peer (no heartbeat for too long); stopping it`);
      stop.abort();
    },
    (err) => c.say(`heartbeat: ${err.message}`),
  );
  const onStop = () => stop.abort();
  c.signal?.addEventListener('abort', onStop, { once: true });
  try {
    const scan = await c.store.getScan(j.scanId);
    if (!scan) throw new Error(`scan ${j.scanId} is not in the store`);
    checkSameKnowledge(scan);
    let drained = false;
    const hooks = {
      signal: stop.signal,
      onCommit: (n: number, w: ObservedWindow | null) => beat.committed(n, w),
      onProgress: (p: ScanProgress) => {
        if (drained || p.done + p.inFlight < p.total) return;
        drained = true;
        onDrain();
      },
    };
    let interrupted = false;
    let observed: ObservedWindow | null = null;
    if (j.kind === 'scan') {
      const r = await scanIntoStore(scanOptions(j, scan, c.store), hooks);
      interrupted = r.summary.interrupted;
      beat.stored = r.stored;
      observed = r.observed;
    } else {
      const ingest = runIngest(j, scan, c.store, hooks.onCommit);
      const first = await Promise.race([ingest.then(() => 'done' as const), once(stop.signal)]);
      if (first === 'aborted') {
        interrupted = true;
        ingest.catch(() => undefined); // read on until the process exits; its rows replace, never double
        c.result.abandoned++;
      } else {
        const r = await ingest;
        beat.stored = r.stored;
        observed = r.observed;
        // nothing readable, or the input changed while read: the shard fails (retried, then dead-lettered)
        if (r.failure !== undefined) throw new Error(r.failure);
      }
    }
    await beat.stop();
    if (lost) return;
    const stored = beat.stored;
    if (interrupted) {
      if (await c.queue.release(h, stored, observed)) {
        c.result.handedBack++;
        c.say(`handed ${what} back after ${stored} records`);
      }
      return;
    }
    const { ours, scanComplete } = await c.queue.done(h, stored, observed);
    if (!ours) return;
    c.result.done++;
    c.say(`finished ${what}: ${stored} records in ${((performance.now() - began) / 1000).toFixed(1)} s`);
    if (scanComplete) {
      await c.store.finishScan(j.scanId, 'complete');
      c.say(`scan "${j.scanName}" complete`);
    }
  } catch (err) {
    await beat.stop();
    if (lost) return;
    const message = (err as Error).message;
    const to = await c.queue.fail(h, message, beat.stored, beat.observed).catch((e: unknown) => {
      c.say(
        `could not record the failure (${(e as Error).message}); peers take the shard back when its lease runs out`,
      );
      return 'lost' as const;
    });
    if (to === 'failed') c.result.failed++;
    c.say(
      `${what} failed: ${message}${to === 'failed' ? ' (dead-lettered: `excensus scans retry` runs it again)' : to === 'queued' ? ' (queued again)' : ''}`,
    );
  } finally {
    await beat.stop();
    c.signal?.removeEventListener('abort', onStop);
  }
}

/**
 * A scan is judged with one knowledge base, the one it was enqueued with (its options record it):
 * a worker choosing another (--kb, EXCENSUS_KB, its own kb update) fails the shard, which a peer
 * with the same KB then takes, instead of storing verdicts the scan's label does not describe.
 */
function checkSameKnowledge(scan: ScanInfo): void {
  const wanted = scan.options.kb_version;
  const mine = loadKnowledgeBase().version;
  if (typeof wanted === 'string' && wanted !== mine)
    throw new Error(
      `this worker judges with knowledge base ${mine}, but scan "${scan.name}" was enqueued with ${wanted}: give it the same one (--kb, EXCENSUS_KB or kb update)`,
    );
}

function once(signal: AbortSignal): Promise<'aborted'> {
  return signal.aborted
    ? Promise.resolve('aborted')
    : new Promise((r) => signal.addEventListener('abort', () => r('aborted'), { once: true }));
}

function scanOptions(j: ScanShardJob, scan: ScanInfo, store: Store) {
  const targets: TargetSpec[] = j.targets.map((t) => {
    const spec = parseTargetSpec(t);
    if (typeof spec === 'string') throw new Error(`target "${t}": ${spec}`);
    return spec;
  });
  return {
    targets,
    inputs: scan.inputs,
    ports: j.ports,
    seed: j.seed,
    shard: { index: j.shard, count: j.shards },
    rate: j.rate,
    concurrency: j.concurrency,
    probeTimeoutMs: j.probeTimeoutMs,
    hostTimeoutMs: j.hostTimeoutMs,
    maxBodyBytes: j.maxBodyBytes,
    maxRedirects: j.maxRedirects,
    ...(j.userAgent !== undefined ? { userAgent: j.userAgent } : {}),
    excludeLists: j.exclude,
    asOf: j.asOf,
    store,
    partOf: scan,
    geo: j.geo,
    ...(j.labTruth !== undefined ? { geoOverrides: readLabTruthGeo(j.labTruth) } : {}),
    ...(j.batchSize !== undefined ? { batchSize: j.batchSize } : {}),
  };
}

/** An input that is a URL is fetched to a temporary file first (its name kept for format detection). */
async function runIngest(
  j: IngestJob,
  scan: ScanInfo,
  store: Store,
  onCommit: (n: number, w: ObservedWindow | null) => void,
) {
  const isUrl = /^https?:\/\//i.test(j.input);
  const dir = isUrl ? await mkdtemp(join(tmpdir(), 'excensus-fetch-')) : null;
  try {
    let file = j.input;
    if (dir) {
      const res = await fetch(j.input);
      if (!res.ok || !res.body) throw new Error(`GET ${j.input}: HTTP ${res.status}`);
      file = join(dir, basename(new URL(j.input).pathname) || 'input');
      await pipeline(
        Readable.fromWeb(res.body as import('node:stream/web').ReadableStream),
        createWriteStream(file),
      );
    }
    return await ingestIntoStore(
      {
        files: [file],
        ...(j.format !== undefined ? { format: j.format } : {}),
        ...(j.observedAt !== undefined ? { observedAt: j.observedAt } : {}),
        asOf: j.asOf,
        exchangeOnly: j.exchangeOnly,
        store,
        partOf: scan,
        geo: j.geo,
        output: 'none',
      },
      { onCommit },
    );
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
