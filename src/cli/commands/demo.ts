// Placeholder until the command lands; its owner replaces this file.
import type { CommandSpec } from '../args.js';

export const command: CommandSpec = {
  name: 'demo',
  summary: 'not implemented yet',
  usage: 'excensus demo',
  options: [],
  async run(ctx) {
    ctx.stderr.write('excensus demo: not implemented yet\n');
    return 1;
  },
};
