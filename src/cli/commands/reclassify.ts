// `excensus reclassify`: re-judges stored observations with the current knowledge base and rules.
import type { CommandSpec } from '../args.js';
import { bool, str } from '../args.js';
import { asOfOption, dbOption, jsonOption, parseAsOf } from '../common-options.js';
import { writeLine } from '../io.js';
import { ConfigError } from '../../core/errors.js';
import { openStore } from '../../store/index.js';
import { reclassifyScan } from '../../store/reclassify.js';
import { judgeObservation } from '../../classify/judge.js';
import { loadRules } from '../../fingerprint/index.js';
import { loadKnowledgeBase } from '../../kb/load.js';
import { observationFromLine } from '../../ingest/stored-line.js';

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
    const judgeCtx = { rules: loadRules(), kb: loadKnowledgeBase(), asOf };
    const store = await openStore(str(ctx.values, 'db'), { create: false });
    try {
      const ref = str(ctx.values, 'scan');
      const scans = bool(ctx.values, 'all')
        ? await store.listScans()
        : [ref !== undefined ? await store.getScan(ref) : await store.latestScan()].filter((s) => s !== null);
      if (scans.length === 0)
        throw new ConfigError(
          'E_SCAN_NOT_FOUND',
          ref !== undefined ? `no scan "${ref}" in the store` : 'the store holds no scans',
        );
      for (const scan of scans) {
        const r = await reclassifyScan(store, scan.id, (obs) => judgeObservation(obs, judgeCtx), {
          decodeLine: observationFromLine,
        });
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
            JSON.stringify({ scan_id: scan.id, scan: scan.name, as_of: asOf, ...counts }),
          );
        else {
          const skipped =
            r.skipped > 0 ? `; ${r.skipped} stored without an observation kept as they were` : '';
          ctx.stdout.write(
            `${scan.name}: ${r.hosts} hosts, ${r.rejudged} re-judged as of ${asOf}, ${r.changed} changed${skipped}\n`,
          );
        }
      }
    } finally {
      await store.close();
    }
    return 0;
  },
};
