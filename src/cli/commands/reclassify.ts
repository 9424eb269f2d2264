// Placeholder until the command lands; its owner replaces this file.
import type { CommandSpec } from '../args.js';

export const command: CommandSpec = {
  name: 'reclassify',
  summary: 'not implemented yet',
  usage: 'excensus reclassify',
  options: [],
  async run(ctx) {
    ctx.stderr.write('excensus reclassify: not implemented yet\n');
    return 1;
  },
};
