// `excensus lookup <build>...`: what a build is, its support state and open CVEs.
import type { CommandSpec } from '../args.js';
import { bool, str } from '../args.js';
import {
  asOfOption,
  columnChoice,
  helpOption,
  jsonOption,
  outputOption,
  parseAsOf,
  tableOptions,
  textLayout,
} from '../common-options.js';
import { openOutput, writeLine } from '../io.js';
import { UsageError } from '../../core/errors.js';
import { classificationToWire, jsonLine } from '../../core/wire.js';
import { lookupBuilds, lookupTableLines } from '../../run/index.js';
import type { Readable } from 'node:stream';

async function readLines(stream: Readable): Promise<string[]> {
  let text = '';
  for await (const chunk of stream)
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export const command: CommandSpec = {
  name: 'lookup',
  summary:
    'Say what an Exchange build is: product, release, end of support, CVE verdicts, what to do. "-" reads builds from stdin, one per line.',
  usage: 'excensus lookup <build>... [--as-of YYYY-MM-DD] [--json] [-o FILE]',
  options: [jsonOption, asOfOption, outputOption, ...tableOptions, helpOption],
  async run(ctx) {
    const asOf = parseAsOf(str(ctx.values, 'as-of'));
    if (ctx.positionals.length === 0)
      throw new UsageError('give at least one build, or "-" to read builds from stdin');
    const inputs: string[] = [];
    for (const p of ctx.positionals) inputs.push(...(p === '-' ? await readLines(ctx.stdin) : [p]));
    const { results, invalid: bad } = lookupBuilds(inputs, asOf);
    for (const b of bad) ctx.stderr.write(`excensus lookup: ${b.error}\n`);
    const invalid = bad.length;
    const out = openOutput(str(ctx.values, 'output'), ctx.stdout);
    try {
      if (bool(ctx.values, 'json')) {
        for (const { input, c } of results)
          await writeLine(out.stream, jsonLine({ input, ...classificationToWire(c) }));
      } else if (results.length) {
        const view = { ...columnChoice(ctx.values), ...textLayout(ctx, str(ctx.values, 'output')) };
        for (const line of lookupTableLines(results, view)) await writeLine(out.stream, line);
      }
    } finally {
      await out.close();
    }
    if (invalid)
      ctx.stderr.write(`excensus lookup: ${invalid} of ${inputs.length} input(s) were not valid builds\n`);
    return invalid ? 2 : 0;
  },
};
