// The scan engine: walks a seeded permutation of the target space (one shard of it),
// probes each ip:port at bounded concurrency and rate, and hands every outcome on as a
// host record. Every target yields a record; none yields an exception.
import { setMaxListeners } from 'node:events';
import type { HostRecord, ProbeLogEntry } from '../core/host-record.js';
import type { Observation } from '../core/observation.js';
import { sharedSecureContext, type ProbeFailure } from './connection.js';
import { probeHttp } from './http-probe.js';
import { targetKey } from '../core/ip.js';
import { concurrencyForLimit, isLocalResourceFault } from './local-limits.js';
import { Permutation } from './permutation.js';
import type { ProbePlan } from './probe-plan.js';
import { RateLimiter } from './rate-limiter.js';
import { probeSmtp } from './smtp-probe.js';
import type { Target, TargetSpace } from './target-space.js';

export interface ScanPlan {
  space: TargetSpace;
  seed: number;
  /** 1-based shard index of `count` shards (masscan style "i/N"); 1/1 = everything. */
  shard: { index: number; count: number };
}

export interface ScanOptions {
  probePlan: ProbePlan;
  /** Observation -> HostRecord (the CLI passes judgeObservation with rules, kb and as-of date). */
  judge: (obs: Observation) => HostRecord;
  concurrency: number;
  /** New hosts per second; 0 = unlimited. */
  rate: number;
  probeTimeoutMs: number;
  hostTimeoutMs: number;
  maxBodyBytes: number;
  maxHeaderBytes: number;
  maxRedirects: number;
  userAgent: string;
  /** "ip:port" keys already done (resume): not probed again, no record emitted. */
  skip?: ReadonlySet<string>;
  /** Stops starting new hosts; hosts in flight finish. */
  signal?: AbortSignal;
  onProgress?: (p: ScanProgress) => void;
  /** Something the user should know, e.g. concurrency lowered to the open file limit. */
  onNotice?: (message: string) => void;
}

export interface ScanProgress {
  done: number;
  total: number;
  inFlight: number;
}

export interface ScanSummary {
  /** Targets in this shard (addresses x ports), before resume skipping. */
  targets: number;
  probed: number;
  resumedSkipped: number;
  /** Addresses of wider ranges cut out by the blocklist or --exclude (never connected to). */
  excludedAddresses: number;
  byStatus: Record<string, number>;
  interrupted: boolean;
  elapsedMs: number;
  /** Probes that met a local resource fault (EMFILE, ENOBUFS, ...) and were tried again. */
  localFaults?: number;
  /** Targets given up after repeated local faults: not recorded, so a resume probes them. */
  unprobed?: number;
}

const START_BATCH = 50;
/** Tries of one target that keeps meeting a local resource fault (backing off up to 5 s each). */
const LOCAL_RETRIES = 8;

/** Permuted positions p ≡ shard-1 (mod count): the shards partition one seeded order. */
function* shardOrder(plan: ScanPlan): Generator<number> {
  const perm = new Permutation(plan.space.size, plan.seed);
  for (let p = plan.shard.index - 1; p < plan.space.size; p += plan.shard.count) yield perm.at(p);
}

export async function runScan(
  plan: ScanPlan,
  opts: ScanOptions,
  onRecord: (r: HostRecord) => void | Promise<void>,
): Promise<ScanSummary> {
  const started = performance.now();
  // every host waiting for its rate slot listens for a stop
  if (opts.signal) setMaxListeners(opts.concurrency + 16, opts.signal);
  const secureContext = sharedSecureContext();
  const limiter = new RateLimiter(opts.rate);
  const byStatus: Record<string, number> = {};
  const summary: ScanSummary = {
    targets: 0,
    probed: 0,
    resumedSkipped: 0,
    excludedAddresses: plan.space.excludedAddresses,
    byStatus,
    interrupted: false,
    elapsedMs: 0,
  };
  const total = Math.ceil(Math.max(plan.space.size - (plan.shard.index - 1), 0) / plan.shard.count);
  summary.targets = total;
  let done = 0;
  let inFlight = 0;
  const emit = async (r: HostRecord): Promise<void> => {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    await onRecord(r);
  };

  // Explicit targets the scan will not touch (excluded, unresolvable): records, once (shard 1).
  if (plan.shard.index === 1) {
    for (const s of plan.space.skipped) {
      for (const p of plan.space.ports) {
        if (s.ip !== '' && opts.skip?.has(targetKey(s.ip, p.port))) continue;
        const obs: Observation = {
          ip: s.ip,
          port: p.port,
          timestamp: new Date().toISOString(),
          source: 'probe',
          status: s.status,
          statusDetail: s.detail,
          http: [],
        };
        if (s.hostname) obs.hostname = s.hostname;
        await emit(opts.judge(obs));
      }
    }
  }

  const order = shardOrder(plan);
  const nextTarget = (): Target | undefined => {
    for (;;) {
      if (opts.signal?.aborted) {
        summary.interrupted = true;
        return undefined;
      }
      const it = order.next();
      if (it.done) return undefined;
      const t = plan.space.at(it.value);
      if (opts.skip?.has(targetKey(t.ip, t.port))) {
        summary.resumedSkipped++;
        done++;
        continue;
      }
      return t;
    }
  };

  const worker = async (): Promise<void> => {
    for (;;) {
      const t = nextTarget();
      if (!t) return;
      await limiter.take(opts.signal);
      // a stop while waiting for the rate: the target is left for the resume, not probed
      if (opts.signal?.aborted) {
        summary.interrupted = true;
        return;
      }
      inFlight++;
      let record = await probeTarget(t, opts, secureContext);
      // out of descriptors, buffers or memory here: no fact about the host; wait and try again
      for (let attempt = 1; isLocalResourceFault(record); attempt++) {
        summary.localFaults = (summary.localFaults ?? 0) + 1;
        if (attempt > LOCAL_RETRIES || opts.signal?.aborted) break;
        await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** attempt) * (0.5 + Math.random())));
        record = await probeTarget(t, opts, secureContext);
      }
      inFlight--;
      if (isLocalResourceFault(record)) {
        // never recorded as done: the scan ends interrupted and a resume probes it again
        summary.interrupted = true;
        summary.unprobed = (summary.unprobed ?? 0) + 1;
        continue;
      }
      summary.probed++;
      done++;
      await emit(record);
      opts.onProgress?.({ done, total, inFlight });
    }
  };
  // Workers start in small batches, one event-loop turn apart: a thousand handshakes begun in
  // the same tick would all allocate at once and inflate the heap for the rest of the scan.
  const workers: Array<Promise<void>> = [];
  const allowed = concurrencyForLimit(opts.concurrency);
  if (allowed.concurrency < opts.concurrency)
    opts.onNotice?.(
      `open file limit ${allowed.limit} (ulimit -n) allows about ${allowed.concurrency} hosts at once: concurrency lowered from ${opts.concurrency}`,
    );
  const count = Math.max(1, Math.min(allowed.concurrency, total || 1));
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % START_BATCH === 0) await new Promise((r) => setImmediate(r));
    workers.push(worker());
  }
  await Promise.all(workers);
  summary.elapsedMs = Math.round(performance.now() - started);
  return summary;
}

/** Probes one target within the host deadline and judges what was seen. */
export async function probeTarget(
  t: Target,
  opts: ScanOptions,
  secureContext = sharedSecureContext(),
): Promise<HostRecord> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), opts.hostTimeoutMs);
  const obs: Observation = {
    ip: t.ip,
    port: t.port,
    transport: 'tcp',
    timestamp: new Date().toISOString(),
    source: 'probe',
    status: 'ok',
    http: [],
  };
  if (t.hostname) obs.hostname = t.hostname;
  let probes: ProbeLogEntry[] = [];
  let failure: ProbeFailure | undefined;
  try {
    if (t.protocol === 'smtp' || t.protocol === 'smtps') {
      const r = await probeSmtp(t, {
        ehloName: opts.probePlan.ehloName,
        starttls: opts.probePlan.starttls,
        implicitTls: t.protocol === 'smtps',
        secureContext,
        probeTimeoutMs: opts.probeTimeoutMs,
        maxReplyBytes: Math.min(opts.maxHeaderBytes, 16384),
        signal: ac.signal,
      });
      probes = r.probes;
      failure = r.banners ? undefined : r.failure;
      if (r.banners) obs.banners = r.banners;
      if (r.session) obs.smtp = r.session;
      if (r.tls) obs.tls = r.tls;
    } else {
      const r = await probeHttp(
        {
          ip: t.ip,
          port: t.port,
          tls: t.protocol === 'https',
          ...(t.hostname ? { hostname: t.hostname } : {}),
        },
        {
          plan: opts.probePlan,
          secureContext,
          userAgent: opts.userAgent,
          probeTimeoutMs: opts.probeTimeoutMs,
          maxHeaderBytes: opts.maxHeaderBytes,
          maxBodyBytes: opts.maxBodyBytes,
          maxRedirects: opts.maxRedirects,
          signal: ac.signal,
        },
      );
      probes = r.probes;
      failure = r.failure;
      obs.http = r.http;
      if (r.tls) obs.tls = r.tls;
    }
  } catch (err) {
    // A bug in the probe code must not lose the target: it becomes an 'error' record.
    failure = { failed: 'error', detail: `internal: ${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
  if (failure) {
    obs.status = failure.failed;
    obs.statusDetail = failure.detail;
  } else if (ac.signal.aborted)
    obs.statusDetail = `host deadline (${opts.hostTimeoutMs} ms) passed; partial results`;
  const record = opts.judge(obs);
  record.probes = probes;
  return record;
}
