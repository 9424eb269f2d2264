// scanIntoStore: targets -> seeded, sharded probe order -> judged host records -> the store (or
// only the caller), as one named scan. The same function serves the CLI, the demo and workers.
import type { HostRecord } from '../core/host-record.js';
import type { Observation } from '../core/observation.js';
import { judgeObservation } from '../classify/judge.js';
import { loadRules } from '../fingerprint/index.js';
import { loadKnowledgeBase } from '../kb/index.js';
import {
  buildTargetSpace,
  loadBlocklist,
  loadExcludeFile,
  loadProbePlan,
  parseExcludeList,
  parsePorts,
  runScan,
  type ScanProgress,
  type ScanSummary,
  type TargetSpec,
} from '../probe/index.js';
import { AddressRanges } from '../probe/address-ranges.js';
import { UsageError } from '../core/errors.js';
import type { GeoLookup } from '../geo/index.js';
import type { ScanInfo, Store } from '../store/index.js';
import { geoResolverFor, type GeoChoice } from './geo.js';
import { Recorder, defaultScanName, findResumable } from './recorder.js';
import { addTime, emptySpan, mergeSpan, spanWindow, type ObservedWindow } from '../core/time-span.js';

export interface ScanIntoStoreOptions {
  targets: TargetSpec[];
  /** How the targets were given (arguments and @list files), recorded with the scan. */
  inputs: string[];
  /** e.g. "443,25" or "https:8443" (see parsePorts). */
  ports: string;
  seed: number;
  shard?: { index: number; count: number };
  /** New hosts per second; 0 = no limit. */
  rate: number;
  concurrency: number;
  probeTimeoutMs: number;
  hostTimeoutMs: number;
  maxBodyBytes: number;
  maxRedirects: number;
  /** Default: the identifying User-Agent of data/probe-plan.yaml. */
  userAgent?: string;
  /** Files of more ranges never to connect to; they add to the blocklist. */
  excludeFiles?: string[];
  /** More such lists as text (a distributed scan carries its coordinator's files to its workers). */
  excludeLists?: Array<{ name: string; text: string }>;
  asOf: string;
  /** null: probe and judge only (nothing stored). */
  store: Store | null;
  name?: string;
  series?: string;
  /** Continue this unfinished scan (name, id or "last"): targets stored are not probed again. */
  resumeScan?: string;
  /** Targets ("ip:port") done elsewhere, e.g. in a JSON Lines file being resumed. */
  skip?: ReadonlySet<string>;
  geo?: GeoChoice;
  /** Geo the caller knows better than any database (the lab's ground truth), by ip. */
  geoOverrides?: Map<string, GeoLookup>;
  /** Records per store transaction (default 500). */
  batchSize?: number;
  /**
   * Run as one shard of this distributed scan: write into it, skip the targets it holds, and leave
   * its state to the queue (src/run/worker.ts). Excludes `name`, `series` and `resumeScan`.
   */
  partOf?: ScanInfo;
  /** A scan's lease lapses this long after its writer's last heartbeat (default 60 s). */
  leaseTtlMs?: number;
}

export interface ScanHooks {
  /** Each record as it is judged and stored (geo added). */
  onRecord?: (r: HostRecord) => Promise<void> | void;
  onProgress?: (p: ScanProgress) => void;
  /** Something the user should know, e.g. concurrency lowered to the open file limit. */
  onNotice?: (message: string) => void;
  /** Stops starting new hosts; those in flight finish and are stored; the scan is marked interrupted. */
  signal?: AbortSignal;
  /** Records stored so far, after each batch commits, and the window of their probe times. */
  onCommit?: (stored: number, observed: ObservedWindow | null) => void;
}

export interface ScanResult {
  summary: ScanSummary;
  seed: number;
  shard: { index: number; count: number };
  scanId: number | null;
  /** Records the store took. */
  stored: number;
  /** When this run's records were probed (earliest and latest); null when it made none. */
  observed: ObservedWindow | null;
}

/** The series a scan belongs to unless the caller names one: same targets, same ports. */
export function defaultScanSeries(inputs: string[], ports: string): string {
  const args = inputs.filter((i) => !i.startsWith('@'));
  const lists = inputs.filter((i) => i.startsWith('@')).map((i) => i.slice(1));
  return `scan:${args.join(',')}${lists.length ? `:${lists.join(',')}` : ''}:${ports}`;
}

export async function scanIntoStore(o: ScanIntoStoreOptions, hooks: ScanHooks = {}): Promise<ScanResult> {
  const plan = loadProbePlan();
  const ports = parsePorts(o.ports, plan.ports);
  if (typeof ports === 'string') throw new UsageError(`--ports: ${ports}`);
  const shard = o.shard ?? { index: 1, count: 1 };
  const exclude = new AddressRanges();
  for (const f of o.excludeFiles ?? []) exclude.addAll(loadExcludeFile(f));
  for (const l of o.excludeLists ?? []) exclude.addAll(parseExcludeList(l.name, l.text));
  const space = await buildTargetSpace(o.targets, ports, { blocklist: loadBlocklist(), exclude });
  const judgeCtx = { rules: loadRules(), kb: loadKnowledgeBase(), asOf: o.asOf };
  const startedAt = new Date().toISOString();
  const store = o.store;
  const series = o.series ?? defaultScanSeries(o.inputs, o.ports);
  const resumed =
    o.partOf ??
    (store && o.resumeScan ? await findResumable(store, o.resumeScan, 'scan', series) : undefined);
  // the scan is dated by its probes' times; a resumed one by those of every run (a shard's span
  // is its own: the queue widens the scan's window with it)
  const span = emptySpan();
  if (!o.partOf && resumed?.observed) mergeSpan(span, resumed.observed);
  const recorder = await Recorder.open({
    store,
    span,
    geo: geoResolverFor(o.geo),
    ...(o.geoOverrides ? { geoOverrides: o.geoOverrides } : {}),
    nameGiven: o.name !== undefined,
    ...(resumed ? { resume: resumed } : {}),
    ...(o.leaseTtlMs !== undefined ? { leaseTtlMs: o.leaseTtlMs } : {}),
    ...(o.partOf ? { shardOfQueue: true } : {}),
    batchSize: o.batchSize ?? 500,
    ...(hooks.onCommit ? { onCommit: hooks.onCommit } : {}),
    // not stored, so a resume probes it again
    onRefused: (r) => hooks.onNotice?.(`the store refused the record of ${r.ip}:${r.port}: ${r.reason}`),
    // a slow scan keeps at most its last two seconds of results unstored
    flushEveryMs: 2000,
    meta: {
      name: o.name ?? defaultScanName('scan', 'probe', startedAt),
      kind: 'scan',
      source: 'probe',
      series,
      startedAt,
      inputs: o.inputs,
      options: {
        ports: o.ports,
        seed: o.seed,
        shard: `${shard.index}/${shard.count}`,
        rate: o.rate,
        concurrency: o.concurrency,
        as_of: o.asOf,
        kb_version: loadKnowledgeBase().version,
        // countries and networks from the lab's ground truth: reports say they are made up
        ...(o.geoOverrides ? { made_up_geo: true } : {}),
      },
    },
  });
  const skip = new Set<string>([...(o.skip ?? []), ...(await recorder.doneTargets())]);
  // Records go to the store with their observation, so `reclassify` can re-judge without re-probing.
  const observations = new WeakMap<HostRecord, Observation>();
  let summary: ScanSummary;
  let dropped = false;
  try {
    summary = await runScan(
      { space, seed: o.seed, shard },
      {
        probePlan: plan,
        judge: (obs) => {
          const r = judgeObservation(obs, judgeCtx);
          observations.set(r, obs);
          return r;
        },
        concurrency: o.concurrency,
        rate: o.rate,
        probeTimeoutMs: o.probeTimeoutMs,
        hostTimeoutMs: o.hostTimeoutMs,
        maxBodyBytes: o.maxBodyBytes,
        maxHeaderBytes: 32 * 1024,
        maxRedirects: o.maxRedirects,
        userAgent: o.userAgent ?? plan.userAgent,
        ...(skip.size > 0 ? { skip } : {}),
        ...(hooks.signal ? { signal: hooks.signal } : {}),
        ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
        ...(hooks.onNotice ? { onNotice: hooks.onNotice } : {}),
      },
      async (r) => {
        addTime(span, r.timestamp);
        const observation = observations.get(r);
        await recorder.add([
          observation ? { record: r, observation: { kind: 'object', observation } } : { record: r },
        ]); // adds geo in place
        await hooks.onRecord?.(r);
      },
    );
    const window = spanWindow(span);
    // a shard's end is not the scan's: the queue finishes the scan after its last shard
    if (o.partOf) await recorder.flush();
    else {
      await recorder.finish(summary.interrupted ? 'interrupted' : 'complete', window ?? undefined);
      // stopped before any record: nothing to keep
      if (summary.interrupted) dropped = await recorder.dropIfEmpty();
    }
  } catch (err) {
    if (!o.partOf) {
      await recorder.finish('interrupted', spanWindow(span) ?? undefined).catch(() => {});
      await recorder.dropIfEmpty().catch(() => false);
    }
    throw err;
  }
  return {
    summary,
    seed: o.seed,
    shard,
    scanId: dropped ? null : recorder.scanId,
    stored: recorder.written,
    observed: spanWindow(span),
  };
}
