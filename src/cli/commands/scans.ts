// Placeholder until the command lands; its owner replaces this file.
import type { CommandSpec } from '../args.js';

export const command: CommandSpec = {
  name: 'scans',
  summary: 'not implemented yet',
  usage: 'excensus scans',
  options: [],
  async run(ctx) {
    ctx.stderr.write('excensus scans: not implemented yet\n');
    return 1;
  },
};
