// `excensus scans`: lists the scans in the store with their counts.
import type { CommandSpec } from '../args.js';
import { bool, str } from '../args.js';
import { dbOption, jsonOption, outputOption } from '../common-options.js';
import { openOutput, writeLine } from '../io.js';
import { formatScanTable, listScans, openStoreForReading, scanToWire } from '../../run/index.js';

export const command: CommandSpec = {
  name: 'scans',
  summary: 'list the scans in the store',
  usage: 'excensus scans [--db PATH|URL] [--json] [-o FILE]',
  options: [dbOption, jsonOption, outputOption],
  async run(ctx) {
    const store = await openStoreForReading(str(ctx.values, 'db'));
    try {
      const scans = await listScans(store);
      const out = openOutput(str(ctx.values, 'output'), ctx.stdout, str(ctx.values, 'db'));
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
