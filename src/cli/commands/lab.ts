// `excensus lab`: start the simulated fleet on loopback, write its ground truth, run until a signal.
import { once } from 'node:events';
import type { CommandSpec } from '../args.js';
import { int, str } from '../args.js';
import { helpOption } from '../common-options.js';
import { openOutput, writeLine } from '../io.js';
import { UsageError } from '../../core/errors.js';
import { DEFAULT_BASE, DEFAULT_HTTPS_PORT, startLab, truthToWire, type LabMix } from '../../run/index.js';

const MIXES: LabMix[] = ['realistic', 'exchange-only', 'bench'];

export const command: CommandSpec = {
  name: 'lab',
  summary: 'run the simulated Exchange fleet on loopback (127.0.0.0/8) until SIGINT/SIGTERM',
  usage:
    'excensus lab [--seed N] [--count N] [--base IP] [--port N] [--http-port N] [--smtp-port N] [--truth FILE] [--mix M]',
  options: [
    {
      name: 'seed',
      type: 'string',
      valueName: 'N',
      default: '1',
      description: 'seed: the same seed and count give the same fleet',
    },
    {
      name: 'count',
      type: 'string',
      valueName: 'N',
      default: '64',
      description: 'number of hosts (addresses)',
    },
    {
      name: 'base',
      type: 'string',
      valueName: 'IP',
      default: DEFAULT_BASE,
      description: 'first address; all must lie in 127.0.0.0/8',
    },
    {
      name: 'port',
      type: 'string',
      valueName: 'N',
      default: String(DEFAULT_HTTPS_PORT),
      description: 'HTTPS port of every host',
    },
    {
      name: 'http-port',
      type: 'string',
      valueName: 'N',
      description: 'also serve plain HTTP on this port (Exchange hosts)',
    },
    { name: 'smtp-port', type: 'string', valueName: 'N', description: 'serve SMTP banner/EHLO on this port' },
    {
      name: 'truth',
      type: 'string',
      valueName: 'FILE',
      description: 'write the ground truth (JSON Lines) to FILE ("-" = stdout, the default)',
    },
    {
      name: 'mix',
      type: 'string',
      valueName: 'M',
      default: 'realistic',
      description: `host mix: ${MIXES.join(', ')}`,
    },
    helpOption,
  ],
  async run(ctx) {
    const mix = str(ctx.values, 'mix') as LabMix;
    if (!MIXES.includes(mix)) throw new UsageError(`--mix must be one of ${MIXES.join(', ')}, got "${mix}"`);
    if (ctx.positionals.length > 0) throw new UsageError(`unexpected argument "${ctx.positionals[0]}"`);
    const httpPort = int(ctx.values, 'http-port', 1);
    const smtpPort = int(ctx.values, 'smtp-port', 1);
    const lab = await startLab({
      seed: int(ctx.values, 'seed') ?? 1,
      count: int(ctx.values, 'count', 1) ?? 64,
      base: str(ctx.values, 'base') ?? DEFAULT_BASE,
      httpsPort: int(ctx.values, 'port', 1) ?? DEFAULT_HTTPS_PORT,
      ...(httpPort !== undefined ? { httpPort } : {}),
      ...(smtpPort !== undefined ? { smtpPort } : {}),
      mix,
      onError: (m) => ctx.stderr.write(`excensus lab: ${m}\n`),
    });
    try {
      const out = openOutput(str(ctx.values, 'truth'), ctx.stdout);
      for (const h of lab.hosts) await writeLine(out.stream, JSON.stringify(truthToWire(h)));
      await out.close();
      const first = lab.hosts[0]?.ip;
      const last = lab.hosts[lab.hosts.length - 1]?.ip;
      ctx.stderr.write(
        `excensus lab: ready: ${lab.hosts.length} hosts ${first}-${last} port ${lab.hosts[0]?.port} (mix ${mix}); Ctrl-C stops\n`,
      );
      await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
    } finally {
      await lab.stop();
    }
    ctx.stderr.write('excensus lab: stopped\n');
    return 0;
  },
};
