// `excensus reclassify`: re-judges stored observations with the current knowledge base and rules.
import type { CommandSpec } from '../args.js';
import { bool, str } from '../args.js';
import { asOfOption, dbOption, jsonOption, parseAsOf } from '../common-options.js';
import { writeLine } from '../io.js';
import { jsonLine } from '../../core/wire.js';
import { formatJudgementChanges, openStoreForReading, reclassifyStored, withStore } from '../../run/index.js';

export const command: CommandSpec = {
  name: 'reclassify',
  summary: 're-judge stored observations with the current knowledge base',
  usage: 'excensus reclassify [--scan REF | --all] [--as-of YYYY-MM-DD] [--db PATH|URL] [--json]',
  options: [
    {
      name: 'scan',
      type: 'string',
      valueName: 'REF',
      description: 'scan id or name (default: the latest scan)',
    },
    { name: 'all', type: 'boolean', description: 're-judge every scan in the store' },
    asOfOption,
    dbOption,
    jsonOption,
  ],
  async run(ctx) {
    const asOf = parseAsOf(str(ctx.values, 'as-of'));
    const ref = str(ctx.values, 'scan');
    await withStore(await openStoreForReading(str(ctx.values, 'db')), (store) =>
      reclassifyStored(
        store,
        { asOf, all: bool(ctx.values, 'all'), ...(ref !== undefined ? { scan: ref } : {}) },
        {
          onScan: async (scan, r, changes) => {
            for (const p of r.problems)
              ctx.stderr.write(`excensus: ${scan.name}: ${p.ip}:${p.port} kept as stored: ${p.reason}\n`);
            if (r.unreadable > r.problems.length)
              ctx.stderr.write(
                `excensus: ${scan.name}: ${r.unreadable - r.problems.length} more stored lines no longer read\n`,
              );
            const { problems: _, ...counts } = r;
            if (bool(ctx.values, 'json'))
              await writeLine(
                ctx.stdout,
                jsonLine({
                  scan_id: scan.id,
                  scan: scan.name,
                  as_of: asOf,
                  ...counts,
                  judged_differently: {
                    hosts: changes.hosts,
                    renamed: changes.renamed,
                    families: changes.families,
                    sample: changes.sample.map((c) => ({
                      host: c.host,
                      release_before: c.before.release,
                      release_after: c.after.release,
                      opened: c.opened,
                      closed: c.closed,
                    })),
                  },
                }),
              );
            else {
              const skipped =
                r.skipped > 0 ? `; ${r.skipped} stored without an observation kept as they were` : '';
              ctx.stdout.write(
                `${scan.name}: ${r.hosts} hosts, ${r.rejudged} re-judged as of ${asOf}, ${r.changed} changed${skipped}\n`,
              );
              for (const line of formatJudgementChanges(changes)) ctx.stdout.write(`${line}\n`);
            }
          },
        },
      ),
    );
    return 0;
  },
};
