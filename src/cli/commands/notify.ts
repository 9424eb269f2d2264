// Placeholder until the command lands; its owner replaces this file.
import type { CommandSpec } from '../args.js';

export const command: CommandSpec = {
  name: 'notify',
  summary: 'not implemented yet',
  usage: 'excensus notify',
  options: [],
  async run(ctx) {
    ctx.stderr.write('excensus notify: not implemented yet\n');
    return 1;
  },
};
