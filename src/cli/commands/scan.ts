// Placeholder until the command lands; its owner replaces this file.
import type { CommandSpec } from '../args.js';

export const command: CommandSpec = {
  name: 'scan',
  summary: 'not implemented yet',
  usage: 'excensus scan',
  options: [],
  async run(ctx) {
    ctx.stderr.write('excensus scan: not implemented yet\n');
    return 1;
  },
};
