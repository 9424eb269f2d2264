// `excensus notify`: one CSV + Markdown bundle per network owner (AS, country or CIDR block).
import { readFileSync } from 'node:fs';
import type { CommandSpec } from '../args.js';
import { bool, str } from '../args.js';
import { asOfOption, dbOption, parseAsOf } from '../common-options.js';
import { ConfigError, UsageError } from '../../core/errors.js';
import { openStore } from '../../store/index.js';
import { GEO_ATTRIBUTION } from '../../geo/index.js';
import { resolveScan } from '../../report/census-source.js';
import { parseCidrFile } from '../../report/cidr.js';
import { writeBundles, type NotifyBy } from '../../report/notify.js';

const BY: NotifyBy[] = ['asn', 'country', 'cidr-file'];

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
    asOfOption,
    dbOption,
  ],
  async run(ctx) {
    const by = str(ctx.values, 'by') as NotifyBy;
    if (!BY.includes(by)) throw new UsageError(`--by must be one of ${BY.join(', ')}, got "${by}"`);
    const outDir = str(ctx.values, 'out');
    if (!outDir) throw new UsageError('--out DIR is required');
    const cidrPath = str(ctx.values, 'cidrs');
    if (by === 'cidr-file' && !cidrPath) throw new UsageError('--by cidr-file needs --cidrs FILE');
    const asOf = parseAsOf(str(ctx.values, 'as-of'));
    let cidrs;
    if (by === 'cidr-file' && cidrPath) {
      let text: string;
      try {
        text = readFileSync(cidrPath, 'utf8');
      } catch (err) {
        throw new ConfigError('E_CIDR_FILE', `cannot read ${cidrPath}: ${(err as Error).message}`, {
          cause: err,
        });
      }
      const parsed = parseCidrFile(text);
      for (const e of parsed.errors)
        ctx.stderr.write(`excensus notify: ${cidrPath}:${e.line}: ${e.message} (skipped)\n`);
      if (parsed.errors.length)
        ctx.stderr.write(`excensus notify: ${parsed.errors.length} bad line(s) in ${cidrPath}\n`);
      cidrs = parsed.blocks;
    }
    const store = await openStore(str(ctx.values, 'db'));
    try {
      const scan = await resolveScan(store, str(ctx.values, 'scan'));
      const res = await writeBundles(store, scan.id, {
        by,
        outDir,
        asOf,
        all: bool(ctx.values, 'all'),
        attribution: GEO_ATTRIBUTION,
        scanName: scan.name,
        ...(cidrs ? { cidrs } : {}),
      });
      ctx.stderr.write(
        `excensus notify: ${res.owners} owner bundle(s), ${res.hosts} host(s) in ${outDir}` +
          (res.skipped ? `; ${res.skipped} host(s) with no finding left out (--all includes them)` : '') +
          '\n',
      );
    } finally {
      await store.close();
    }
    return 0;
  },
};
