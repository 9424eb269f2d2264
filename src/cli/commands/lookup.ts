// `excensus lookup <build>...`: what a build is, its support state and open CVEs.
import type { CommandSpec } from '../args.js';
import { bool, str } from '../args.js';
import { asOfOption, helpOption, jsonOption, outputOption, parseAsOf } from '../common-options.js';
import { openOutput, writeLine } from '../io.js';
import { UsageError } from '../../core/errors.js';
import type { Classification } from '../../core/classification.js';
import { classificationToWire } from '../../core/wire.js';
import { loadKnowledgeBase } from '../../kb/index.js';
import { classifyBuild, familiesWith } from '../../classify/index.js';
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

function supportCell(c: Classification): string {
  if (c.product === null) return '?';
  if (!c.onPremises) return 'hosted';
  if (c.eol) return `EOL since ${c.eolDate} (+${c.daysPastEol}d)`;
  return c.eolDate ? `supported to ${c.eolDate}` : 'supported';
}

function listCell(items: string[]): string {
  return items.length ? items.join(', ') : '-';
}

export function tableRows(results: { input: string; c: Classification }[]): string[] {
  const header = [
    'INPUT',
    'PRODUCT',
    'RELEASE',
    'SUPPORT',
    'VULNERABLE',
    'LIKELY',
    'UNASSESSED',
    'RECOMMENDATION',
  ];
  const rows = results.map(({ input, c }) => [
    input,
    c.product ?? '?',
    c.release ?? '-',
    supportCell(c),
    listCell(familiesWith(c.vulns, 'vulnerable')),
    listCell(familiesWith(c.vulns, 'likely')),
    listCell(familiesWith(c.vulns, 'unassessed')),
    c.recommendation,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]): string =>
    r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
  const notes = results.filter(({ c }) => c.note).map(({ input, c }) => `  ${input}: ${c.note}`);
  return [fmt(header), ...rows.map(fmt), ...(notes.length ? ['', 'Notes:', ...notes] : [])];
}

export const command: CommandSpec = {
  name: 'lookup',
  summary:
    'Say what an Exchange build is: product, release, end of support, CVE verdicts, what to do. "-" reads builds from stdin, one per line.',
  usage: 'excensus lookup <build>... [--as-of YYYY-MM-DD] [--json] [-o FILE]',
  options: [jsonOption, asOfOption, outputOption, helpOption],
  async run(ctx) {
    const asOf = parseAsOf(str(ctx.values, 'as-of'));
    if (ctx.positionals.length === 0)
      throw new UsageError('give at least one build, or "-" to read builds from stdin');
    const inputs: string[] = [];
    for (const p of ctx.positionals) inputs.push(...(p === '-' ? await readLines(ctx.stdin) : [p]));
    const kb = loadKnowledgeBase();
    const results: { input: string; c: Classification }[] = [];
    let invalid = 0;
    for (const input of inputs) {
      const c = classifyBuild(input, kb, asOf);
      if ('error' in c) {
        invalid++;
        ctx.stderr.write(`excensus lookup: ${c.error}\n`);
      } else results.push({ input, c });
    }
    const out = openOutput(str(ctx.values, 'output'), ctx.stdout);
    try {
      if (bool(ctx.values, 'json')) {
        for (const { input, c } of results)
          await writeLine(out.stream, JSON.stringify({ input, ...classificationToWire(c) }));
      } else if (results.length) {
        for (const line of tableRows(results)) await writeLine(out.stream, line);
      }
    } finally {
      await out.close();
    }
    if (invalid)
      ctx.stderr.write(`excensus lookup: ${invalid} of ${inputs.length} input(s) were not valid builds\n`);
    return invalid ? 2 : 0;
  },
};
