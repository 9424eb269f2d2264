// Placeholder until the command lands; its owner replaces this file.
import type { CommandSpec } from '../args.js';

export const command: CommandSpec = {
  name: 'diff',
  summary: 'not implemented yet',
  usage: 'excensus diff',
  options: [],
  async run(ctx) {
    ctx.stderr.write('excensus diff: not implemented yet\n');
    return 1;
  },
};
