// `excensus worker`: runs shards of distributed scans and ingests until stopped (or idle).
import type { CommandSpec } from '../args.js';
import { bool, int, str } from '../args.js';
import { dbOption } from '../common-options.js';
import { runWorker } from '../../run/index.js';

export const command: CommandSpec = {
  name: 'worker',
  summary: 'take shards of distributed scans and ingests from the queue in PostgreSQL and run them',
  usage:
    'excensus worker --db postgres://... [--concurrency C] [--exit-when-idle]\n' +
    '  Runs on any number of machines. SIGTERM/SIGINT: hosts in flight finish and are stored, the shards\n' +
    '  in hand go back to the queue at their checkpoint, exit 0. See docs/distributed.md.',
  options: [
    dbOption,
    {
      name: 'concurrency',
      type: 'string',
      valueName: 'C',
      default: '1',
      env: 'EXCENSUS_WORKER_CONCURRENCY',
      description: 'shards run at once',
    },
    {
      name: 'exit-when-idle',
      type: 'boolean',
      description:
        'exit once no shard waits or runs anywhere (a dead worker’s shard is taken back and finished first)',
    },
    {
      name: 'id',
      type: 'string',
      valueName: 'NAME',
      env: 'EXCENSUS_WORKER_ID',
      description: 'name shown in `scans` (default: host name and process id)',
    },
  ],
  async run(ctx) {
    const v = ctx.values;
    const stop = new AbortController();
    const onSignal = (): void => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const r = await runWorker({
        db: str(v, 'db') ?? '',
        concurrency: int(v, 'concurrency', 1) ?? 1,
        exitWhenIdle: bool(v, 'exit-when-idle'),
        signal: stop.signal,
        ...(str(v, 'id') !== undefined ? { id: str(v, 'id')! } : {}),
        onEvent: (m) => ctx.stderr.write(`excensus ${m}\n`),
      });
      ctx.stderr.write(
        `excensus worker: ${r.done} shard(s) done, ${r.handedBack} handed back, ${r.failed} dead-lettered\n`,
      );
      // an ingest input handed back is still being read: leave without waiting for it
      if (r.abandoned > 0) setImmediate(() => process.exit(process.exitCode ?? 0));
      return 0;
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
  },
};
