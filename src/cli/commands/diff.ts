// `excensus diff <scanA> <scanB>`: new, gone, upgraded, patched, still vulnerable, unchanged.
import type { CommandSpec } from '../args.js';
import { bool, str } from '../args.js';
import { asOfOption, dbOption, jsonOption, outputOption, parseAsOf, textLayout } from '../common-options.js';
import { openOutput } from '../io.js';
import { UsageError } from '../../core/errors.js';
import { openStoreForReading, writeDiff } from '../../run/index.js';

export const command: CommandSpec = {
  name: 'diff',
  summary: 'compare two scans host by host',
  usage: 'excensus diff <scanA> <scanB> [--json] [--all] [--as-of D] [-o FILE]',
  options: [
    jsonOption,
    outputOption,
    { name: 'all', type: 'boolean', description: 'list unchanged hosts too' },
    {
      ...asOfOption,
      description:
        "judge end of support on this date for both scans (default: each scan's date; CVE verdicts are those each scan was stored with)",
    },
    dbOption,
  ],
  async run(ctx) {
    const [scanA, scanB, ...extra] = ctx.positionals;
    if (scanA === undefined || scanB === undefined || extra.length > 0)
      throw new UsageError('diff takes exactly two scan references (id or name)');
    const asOfRaw = str(ctx.values, 'as-of');
    const store = await openStoreForReading(str(ctx.values, 'db'));
    try {
      const out = openOutput(str(ctx.values, 'output'), ctx.stdout, str(ctx.values, 'db'));
      try {
        await writeDiff(
          store,
          {
            scanA,
            scanB,
            ...(asOfRaw !== undefined ? { asOf: parseAsOf(asOfRaw) } : {}),
            json: bool(ctx.values, 'json'),
            all: bool(ctx.values, 'all'),
            layout: textLayout(ctx, str(ctx.values, 'output')),
          },
          out.stream,
        );
      } finally {
        await out.close();
      }
    } finally {
      await store.close();
    }
    return 0;
  },
};
