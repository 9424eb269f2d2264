// `excensus scans`: lists the scans in the store with their counts, and the shard states of
// distributed ones; `excensus scans retry NAME` runs a distributed scan's failed shards again.
import type { CommandContext, CommandSpec } from '../args.js';
import { bool, str } from '../args.js';
import {
  columnChoice,
  dbOption,
  jsonOption,
  outputOption,
  tableOptions,
  textLayout,
} from '../common-options.js';
import { openOutput, writeLine } from '../io.js';
import { UsageError } from '../../core/errors.js';
import { jsonLine } from '../../core/wire.js';
import { printable } from '../../core/printable.js';
import {
  distributedScanStates,
  formatScanTable,
  listScans,
  openStoreForReading,
  rejudgingNotes,
  retryFailedShards,
  scanToWire,
  shardsToWire,
  type DistributedScanState,
} from '../../run/index.js';
import { progress } from './scan-queue.js';

export const command: CommandSpec = {
  name: 'scans',
  summary: 'list the scans in the store',
  usage:
    'excensus scans [--db PATH|URL] [--json] [--columns COL,...|--wide] [-o FILE]\n' +
    '       excensus scans retry NAME --db postgres://...   (run the failed shards of a distributed scan again)',
  options: [dbOption, jsonOption, outputOption, ...tableOptions],
  async run(ctx) {
    const [sub, ...rest] = ctx.positionals;
    if (sub === 'retry') return retry(ctx, rest);
    if (sub !== undefined)
      throw new UsageError(`unknown argument "${sub}" (did you mean \`scans retry NAME\`?)`);
    const db = str(ctx.values, 'db');
    const store = await openStoreForReading(db);
    try {
      const scans = await listScans(store);
      const shards = await distributedScanStates(db ?? '', store);
      const byId = new Map(shards.map((s) => [s.scanId, s]));
      const out = openOutput(str(ctx.values, 'output'), ctx.stdout, db);
      try {
        if (bool(ctx.values, 'json'))
          for (const s of scans) {
            const d = byId.get(s.id);
            await writeLine(
              out.stream,
              jsonLine({ ...scanToWire(s), ...(d ? { shards: shardsToWire(d) } : {}) }),
            );
          }
        else if (scans.length === 0) ctx.stderr.write('excensus scans: the store holds no scans yet\n');
        else {
          out.stream.write(
            formatScanTable(scans, {
              ...columnChoice(ctx.values),
              ...textLayout(ctx, str(ctx.values, 'output')),
            }),
          );
          out.stream.write(rejudgingNotes(scans));
          if (shards.length > 0) out.stream.write(`\nDistributed scans\n${shards.map(shardLines).join('')}`);
        }
      } finally {
        await out.close();
      }
    } finally {
      await store.close();
    }
    return 0;
  },
};

function shardLines(d: DistributedScanState): string {
  return (
    `  ${progress(d)}\n` +
    d.failures
      .map(
        (f) =>
          `    shard ${f.shard}${f.input ? ` (${printable(f.input)})` : ''} failed: ${printable(f.error ?? '?')}\n`,
      )
      .join('')
  );
}

async function retry(ctx: CommandContext, args: string[]): Promise<number> {
  if (args.length !== 1) throw new UsageError('usage: excensus scans retry NAME --db postgres://...');
  const db = str(ctx.values, 'db') ?? '';
  const store = await openStoreForReading(db);
  try {
    const n = await retryFailedShards(db, store, args[0]!);
    ctx.stderr.write(
      n > 0
        ? `excensus scans: ${n} failed shard(s) of "${args[0]}" queued again\n`
        : `excensus scans: "${args[0]}" has no failed shards\n`,
    );
  } finally {
    await store.close();
  }
  return 0;
}
