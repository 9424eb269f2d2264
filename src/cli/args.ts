// One table per command defines its options; flags, env vars and help text all come from it.
import { parseArgs } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import { UsageError } from '../core/errors.js';
import { nearest } from '../core/suggest.js';

export interface OptionSpec {
  name: string;
  short?: string;
  type: 'string' | 'boolean';
  multiple?: boolean;
  description: string;
  /** Environment variable that supplies a default, e.g. EXCENSUS_DB. */
  env?: string;
  default?: string | boolean;
  valueName?: string;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface CommandContext {
  values: OptionValues;
  positionals: string[];
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** Whether stderr is a terminal (progress bars only then). */
  stderrIsTTY: boolean;
  /** Whether stdout is a terminal (tables vs plain output). */
  stdoutIsTTY: boolean;
  /** The terminal's width in characters when stdout is a terminal (tables fit it). */
  terminalWidth?: number | undefined;
  /** The clock, for the few commands that need today's date (tests pass a fixed one). */
  now: () => Date;
  /** The global --kb DIR|VERSION, if given (EXCENSUS_KB is read where the KB is chosen). */
  kbPin?: string | undefined;
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** e.g. "excensus lookup <build>... [options]" */
  usage: string;
  options: OptionSpec[];
  run(ctx: CommandContext): Promise<number>;
}

export function parseCommandArgs(
  spec: CommandSpec,
  argv: string[],
  env: NodeJS.ProcessEnv,
): { values: OptionValues; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const o of spec.options) {
    options[o.name] = {
      type: o.type,
      ...(o.short ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
    };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const option = /'(-[^']*)'/.exec(e.message)?.[1];
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
      const guess = nearest(option.replace(/^-+/, ''), [...spec.options.map((o) => o.name), 'help']);
      throw new UsageError(`unknown option ${option}${guess ? ` (did you mean --${guess}?)` : ''}`, {
        cause: err,
      });
    }
    // node's text, without its error class and its advice about "--"
    throw new UsageError(
      e.message.replace(/^TypeError \[[A-Z_]+\]: /, '').replace(/\. To specify .*$/s, ''),
      {
        cause: err,
      },
    );
  }
  const values = { ...parsed.values } as OptionValues;
  for (const o of spec.options) {
    if (values[o.name] !== undefined) continue;
    const fromEnv = o.env ? env[o.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== '')
      values[o.name] = o.type === 'boolean' ? /^(1|true|yes)$/i.test(fromEnv) : fromEnv;
    else if (o.default !== undefined) values[o.name] = o.default;
  }
  return { values, positionals: parsed.positionals };
}

export function formatHelp(spec: CommandSpec): string {
  const lines = [`Usage: ${spec.usage}`, '', spec.summary, ''];
  if (spec.options.length > 0) lines.push('Options:');
  for (const o of spec.options) {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
    const extra = [
      o.env ? `env ${o.env}` : '',
      o.default !== undefined && o.default !== false ? `default ${String(o.default)}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    lines.push(`  ${flag.padEnd(30)} ${o.description}${extra ? ` (${extra})` : ''}`);
  }
  return lines.join('\n') + '\n';
}

/** Typed accessors: the parser guarantees the shape, these make it explicit at the call site. */
export function str(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}
export function bool(values: OptionValues, name: string): boolean {
  return values[name] === true;
}
export function list(values: OptionValues, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}
export function int(values: OptionValues, name: string, min = 0): number | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min)
    throw new UsageError(`--${name} must be an integer >= ${min}, got "${v}"`);
  return Number(v);
}
