// `excensus scans`: lists the scans in the store with their counts.
import type { CommandSpec } from '../args.js';
import { bool, str } from '../args.js';
import { dbOption, jsonOption, outputOption } from '../common-options.js';
import { openOutput, writeLine } from '../io.js';
import { openStore } from '../../store/index.js';
import { formatScanTable, scanToWire } from '../../store/scan-view.js';

export const command: CommandSpec = {
  name: 'scans',
  summary: 'list the scans in the store',
  usage: 'excensus scans [--db PATH|URL] [--json] [-o FILE]',
  options: [dbOption, jsonOption, outputOption],
  async run(ctx) {
    const store = await openStore(str(ctx.values, 'db'), { create: false });
    try {
      const scans = await store.listScans();
      const out = openOutput(str(ctx.values, 'output'), ctx.stdout);
      try {
        if (bool(ctx.values, 'json'))
          for (const s of scans) await writeLine(out.stream, JSON.stringify(scanToWire(s)));
        else if (scans.length === 0) ctx.stderr.write('excensus scans: the store holds no scans yet\n');
        else out.stream.write(formatScanTable(scans));
      } finally {
        await out.close();
      }
    } finally {
      await store.close();
    }
    return 0;
  },
};
