// Placeholder until the command lands; its owner replaces this file.
import type { CommandSpec } from '../args.js';

export const command: CommandSpec = {
  name: 'lookup',
  summary: 'not implemented yet',
  usage: 'excensus lookup',
  options: [],
  async run(ctx) {
    ctx.stderr.write('excensus lookup: not implemented yet\n');
    return 1;
  },
};
