// Placeholder until the command lands; its owner replaces this file.
import type { CommandSpec } from '../args.js';

export const command: CommandSpec = {
  name: 'ingest',
  summary: 'not implemented yet',
  usage: 'excensus ingest',
  options: [],
  async run(ctx) {
    ctx.stderr.write('excensus ingest: not implemented yet\n');
    return 1;
  },
};
