// `excensus serve`: the census as a live web page over the store, until SIGINT/SIGTERM.
import { once } from 'node:events';
import type { CommandSpec } from '../args.js';
import { int, str } from '../args.js';
import { dbOption, helpOption } from '../common-options.js';
import { UsageError } from '../../core/errors.js';
import { openStoreForReading, watchShards } from '../../run/index.js';
import { startServer } from '../../server/index.js';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/i;

export const command: CommandSpec = {
  name: 'serve',
  summary: 'the census as a live web page and JSON API over the store (loopback by default)',
  usage: 'excensus serve [--db PATH|URL] [--host 127.0.0.1] [--port 8080] [--token T]',
  options: [
    dbOption,
    {
      name: 'host',
      type: 'string',
      valueName: 'ADDR',
      default: '127.0.0.1',
      description: 'address to listen on',
    },
    { name: 'port', type: 'string', valueName: 'N', default: '8080', description: 'port (0: any free port)' },
    {
      name: 'token',
      type: 'string',
      valueName: 'T',
      env: 'EXCENSUS_TOKEN',
      description: 'every request must carry it (required for a non-loopback --host)',
    },
    helpOption,
  ],
  async run(ctx) {
    if (ctx.positionals.length > 0) throw new UsageError(`unexpected argument "${ctx.positionals[0]}"`);
    const host = str(ctx.values, 'host') ?? '127.0.0.1';
    const port = int(ctx.values, 'port', 0) ?? 8080;
    if (port > 65535) throw new UsageError('--port takes 0-65535');
    const token = str(ctx.values, 'token') ?? null;
    if (token !== null && token.length < 12) throw new UsageError('--token must be at least 12 characters');
    if (!LOOPBACK.test(host) && token === null)
      throw new UsageError(
        `--host ${host} would open the census to other machines: give a --token (or EXCENSUS_TOKEN), or keep 127.0.0.1`,
      );
    const store = await openStoreForReading(str(ctx.values, 'db'));
    const shards = watchShards(str(ctx.values, 'db'));
    try {
      const s = await startServer({
        shards,
        store,
        host,
        port,
        token,
        today: () => ctx.now().toISOString().slice(0, 10),
        log: (line) => ctx.stderr.write(`${line}\n`),
      });
      ctx.stdout.write(`${s.url}\n`);
      ctx.stderr.write(
        `excensus serve: listening on ${s.url}${token ? ' (token required)' : ''}; Ctrl-C stops\n`,
      );
      await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
      await s.close();
    } finally {
      await shards.close();
      await store.close();
    }
    ctx.stderr.write('excensus serve: stopped\n');
    return 0;
  },
};
