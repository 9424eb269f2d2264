// `excensus demo`: parses options and calls runDemo (lab fleet on loopback -> scan -> fresh SQLite
// store -> census on stdout and the HTML report).
import type { CommandContext, CommandSpec } from '../args.js';
import { int, str } from '../args.js';
import { asOfOption, parseAsOf } from '../common-options.js';
import { DEMO_DEFAULT_DB, DEMO_DEFAULT_HTML, runDemo } from '../../run/index.js';

export const command: CommandSpec = {
  name: 'demo',
  summary:
    'start the lab fleet on loopback, scan it into a fresh SQLite store, print the census, write the HTML report',
  usage: 'excensus demo [--count N] [--seed N] [--db FILE] [--html FILE]',
  options: [
    {
      name: 'count',
      type: 'string',
      valueName: 'N',
      default: '256',
      description: 'lab hosts (loopback addresses)',
    },
    {
      name: 'seed',
      type: 'string',
      valueName: 'N',
      default: '7',
      description: 'lab and scan seed: the same seed gives the same census',
    },
    {
      name: 'base',
      type: 'string',
      valueName: 'IP',
      default: '127.88.0.1',
      description: 'first lab address (inside 127.0.0.0/8)',
    },
    {
      name: 'port',
      type: 'string',
      valueName: 'N',
      default: '18443',
      description: 'HTTPS port of the lab hosts',
    },
    {
      name: 'smtp-port',
      type: 'string',
      valueName: 'N',
      default: '18025',
      description: 'SMTP port of the lab hosts',
    },
    {
      name: 'db',
      type: 'string',
      valueName: 'FILE',
      default: DEMO_DEFAULT_DB,
      description: 'SQLite store to create (must not exist, except the default, which is recreated)',
    },
    {
      name: 'html',
      type: 'string',
      valueName: 'FILE',
      default: DEMO_DEFAULT_HTML,
      description: 'where to write the HTML report',
    },
    asOfOption,
  ],
  run,
};

async function run(ctx: CommandContext): Promise<number> {
  const v = ctx.values;
  await runDemo(
    {
      count: int(v, 'count', 1) ?? 256,
      seed: int(v, 'seed', 0) ?? 7,
      base: str(v, 'base') ?? '127.88.0.1',
      httpsPort: int(v, 'port', 1) ?? 18443,
      smtpPort: int(v, 'smtp-port', 1) ?? 18025,
      db: str(v, 'db') ?? DEMO_DEFAULT_DB,
      html: str(v, 'html') ?? DEMO_DEFAULT_HTML,
      asOf: parseAsOf(str(v, 'as-of')),
    },
    ctx.stdout,
    { onStep: (line) => ctx.stderr.write(`excensus demo: ${line}\n`) },
  );
  return 0;
}
