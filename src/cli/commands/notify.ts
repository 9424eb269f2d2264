// `excensus notify`: one CSV + Markdown bundle per network owner (AS, country or CIDR block).
import type { CommandSpec } from '../args.js';
import { bool, str } from '../args.js';
import { dbOption, given, parseAsOf, storedAsOfOption } from '../common-options.js';
import { UsageError } from '../../core/errors.js';
import { NOTIFY_BY, notifyOwners, openStoreForReading, withStore, type NotifyBy } from '../../run/index.js';

export const command: CommandSpec = {
  name: 'notify',
  summary: 'write one CSV + summary bundle per network owner',
  usage: 'excensus notify --by asn|country|cidr-file [--cidrs FILE] --out DIR [--scan REF] [--all]',
  options: [
    {
      name: 'by',
      type: 'string',
      valueName: 'asn|country|cidr-file',
      description: 'who owns a host',
      default: 'asn',
    },
    {
      name: 'cidrs',
      type: 'string',
      valueName: 'FILE',
      description: 'with --by cidr-file: lines of "CIDR[,owner]"',
    },
    {
      name: 'out',
      type: 'string',
      valueName: 'DIR',
      description: 'directory for the bundles (created if missing)',
    },
    { name: 'scan', type: 'string', valueName: 'REF', description: 'scan id or name (default: the latest)' },
    { name: 'all', type: 'boolean', description: 'include Exchange hosts with no finding' },
    storedAsOfOption,
    dbOption,
  ],
  async run(ctx) {
    const by = str(ctx.values, 'by') as NotifyBy;
    if (!NOTIFY_BY.includes(by))
      throw new UsageError(`--by must be one of ${NOTIFY_BY.join(', ')}, got "${by}"`);
    const outDir = str(ctx.values, 'out');
    if (!outDir) throw new UsageError('--out DIR is required');
    const cidrPath = str(ctx.values, 'cidrs');
    if (by === 'cidr-file' && !cidrPath) throw new UsageError('--by cidr-file needs --cidrs FILE');
    const asOf = parseAsOf(str(ctx.values, 'as-of'));
    let badLines = 0;
    const res = await withStore(await openStoreForReading(str(ctx.values, 'db')), (store) =>
      notifyOwners(
        store,
        {
          by,
          outDir,
          asOf,
          all: bool(ctx.values, 'all'),
          ...given({ scan: str(ctx.values, 'scan'), cidrFile: cidrPath }),
        },
        {
          onBadLine: (file, line, message) => {
            badLines++;
            ctx.stderr.write(`excensus notify: ${file}:${line}: ${message} (skipped)\n`);
          },
        },
      ),
    );
    if (res.partial) ctx.stderr.write(`excensus notify: note: ${res.partial}\n`);
    if (badLines) ctx.stderr.write(`excensus notify: ${badLines} bad line(s) in ${cidrPath}\n`);
    ctx.stderr.write(
      `excensus notify: ${res.owners} owner bundle(s), ${res.hosts} host(s) in ${outDir}` +
        (res.skipped ? `; ${res.skipped} host(s) with no finding left out (--all includes them)` : '') +
        '\n',
    );
    return 0;
  },
};
