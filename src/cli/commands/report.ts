// Placeholder until the command lands; its owner replaces this file.
import type { CommandSpec } from '../args.js';

export const command: CommandSpec = {
  name: 'report',
  summary: 'not implemented yet',
  usage: 'excensus report',
  options: [],
  async run(ctx) {
    ctx.stderr.write('excensus report: not implemented yet\n');
    return 1;
  },
};
