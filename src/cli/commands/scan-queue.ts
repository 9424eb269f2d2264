// `excensus scan ... --queue`: enqueue the scan's shards for workers (and with --wait, follow it).
import type { CommandContext } from '../args.js';
import { bool, int, list, str } from '../args.js';
import { printable } from '../../core/printable.js';
import { geoChoice, given } from '../common-options.js';
import { UsageError } from '../../core/errors.js';
import {
  enqueueScan,
  openStoreForWriting,
  requireQueueUrl,
  waitForScan,
  type DistributedScanState,
  type ScanTargets,
} from '../../run/index.js';

export interface QueuedScanInput {
  targets: ScanTargets['specs'];
  inputs: string[];
  ports: string;
  seed: number;
  asOf: string;
  probeTimeoutMs: number;
  hostTimeoutMs: number;
  maxBodyBytes: number;
  userAgent: string | undefined;
}

export async function runQueuedScan(ctx: CommandContext, s: QueuedScanInput): Promise<number> {
  const v = ctx.values;
  for (const o of ['resume', 'resume-scan', 'no-store', 'output'])
    if (v[o] !== undefined && v[o] !== false) throw new UsageError(`--${o} does not go with --queue`);
  if (str(v, 'shard') !== '1/1') throw new UsageError('--shard does not go with --queue (use --shards N)');
  const db = str(v, 'db') ?? '';
  requireQueueUrl(db); // before the store: a path would be made a SQLite file first
  const store = await openStoreForWriting(db);
  let enqueued;
  try {
    enqueued = await enqueueScan({
      db,
      store,
      targets: s.targets,
      inputs: s.inputs,
      ports: s.ports,
      seed: s.seed,
      shards: int(v, 'shards', 1) ?? 1,
      rate: int(v, 'rate', 0) ?? 100,
      concurrency: int(v, 'concurrency', 1) ?? 200,
      probeTimeoutMs: s.probeTimeoutMs,
      hostTimeoutMs: s.hostTimeoutMs,
      maxBodyBytes: s.maxBodyBytes,
      maxRedirects: int(v, 'max-redirects', 0) ?? 3,
      excludeFiles: list(v, 'exclude'),
      batchSize: int(v, 'batch', 1) ?? 500,
      asOf: s.asOf,
      geo: geoChoice(v),
      ...given({
        userAgent: s.userAgent,
        name: str(v, 'name'),
        series: str(v, 'series'),
        labTruth: str(v, 'lab-truth'),
      }),
    });
  } finally {
    await store.close();
  }
  const { scan } = enqueued;
  ctx.stdout.write(`${scan.name}\n`);
  ctx.stderr.write(
    enqueued.existed
      ? `excensus scan: scan "${scan.name}" was enqueued already; ${enqueued.enqueued} shard(s) added\n`
      : `excensus scan: enqueued scan "${scan.name}" (id ${scan.id}) as ${enqueued.enqueued} shard(s), seed ${s.seed}; run \`excensus worker --db ...\` to scan it\n`,
  );
  if (!bool(v, 'wait')) return 0;
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  try {
    const last = await waitForScan(db, scan, {
      signal: stop.signal,
      ...(ctx.stderrIsTTY ? { onProgress: (p) => ctx.stderr.write(`\r${progress(p)}\x1b[K`) } : {}),
    });
    if (ctx.stderrIsTTY) ctx.stderr.write('\r\x1b[K');
    ctx.stderr.write(`excensus scan: ${progress(last)}\n`);
    for (const f of last.failures)
      ctx.stderr.write(`excensus scan: shard ${f.shard} failed: ${printable(f.error ?? 'unknown error')}\n`);
    if (last.failures.length > 0)
      ctx.stderr.write(`excensus scan: \`excensus scans retry ${scan.name}\` runs the failed shards again\n`);
    return last.complete ? 0 : 1;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}

export function progress(p: DistributedScanState): string {
  const s = p.shards;
  return (
    `${p.name}: shards ${s.done}/${s.total} done, ${s.running} running, ${s.queued} queued, ${s.failed} failed; ` +
    `${p.hostsDone} hosts, ${p.rate.toFixed(1)} hosts/s` +
    (p.workers.length ? `; workers ${p.workers.join(', ')}` : '')
  );
}
