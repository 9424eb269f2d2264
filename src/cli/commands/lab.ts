// Placeholder until the command lands; its owner replaces this file.
import type { CommandSpec } from '../args.js';

export const command: CommandSpec = {
  name: 'lab',
  summary: 'not implemented yet',
  usage: 'excensus lab',
  options: [],
  async run(ctx) {
    ctx.stderr.write('excensus lab: not implemented yet\n');
    return 1;
  },
};
