// Entry point: picks the command, parses its options, maps errors to exit codes
// (0 ok, 1 runtime failure, 2 usage). Commands hold no logic beyond wiring.
import { printable } from '../core/printable.js';
import { commands } from './commands/index.js';
import { formatHelp, parseCommandArgs, type CommandContext } from './args.js';
import { ConfigError, DataError, UsageError, fileErrorReason, isFileSystemError } from '../core/errors.js';
import { nearest } from '../core/suggest.js';

const SYSCALL_VERBS: Record<string, string> = {
  open: 'open',
  read: 'read',
  write: 'write',
  mkdir: 'create the directory',
  scandir: 'list',
  stat: 'find',
  lstat: 'find',
  rename: 'rename',
  unlink: 'remove',
  access: 'open',
};
import { selectKnowledgeBase } from '../run/kb-in-use.js';

/** Options every command takes, taken out before the command's own parser sees the rest. */
function takeGlobalOptions(args: string[]): { rest: string[]; kb?: string; quiet: boolean } {
  const rest: string[] = [];
  let kb: string | undefined;
  let quiet = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (a === '--quiet' || a === '-q') quiet = true;
    else if (a.startsWith('--kb=')) kb = a.slice(5);
    else if (a === '--kb') {
      kb = args[++i];
      if (kb === undefined || kb === '')
        throw new UsageError('--kb needs a directory, a version or "bundled"');
    } else rest.push(a);
  }
  return { rest, ...(kb !== undefined ? { kb } : {}), quiet };
}

function topHelp(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  const rows = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: excensus <command> [options]',
    '',
    'Commands:',
    ...rows,
    '',
    "Run `excensus <command> --help` for a command's options. Every command also takes",
    '--kb DIR|VERSION|bundled (env EXCENSUS_KB) to pin a knowledge base, and --quiet to silence',
    'the warning about a knowledge base older than the last Patch Tuesday.',
    '',
  ].join('\n');
}

export async function main(
  argv: string[],
  io: Partial<Omit<CommandContext, 'now'>> & { now?: () => Date } = {},
): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    stdout.write(topHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    const { createRequire } = await import('node:module');
    const pkg = createRequire(import.meta.url)('../../../package.json') as { version: string };
    stdout.write(`${pkg.version}\n`);
    return 0;
  }
  // own entries only: `constructor` or `__proto__` is no command
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!entry) {
    const guess = nearest(name, Object.keys(commands));
    stderr.write(
      `excensus: unknown command "${name}"${guess ? ` (did you mean ${guess}?)` : ''}\n` +
        'Run `excensus --help` for the list of commands.\n',
    );
    return 2;
  }
  const { command } = await entry.load();
  try {
    const { rest, kb: kbPin, quiet } = takeGlobalOptions(args);
    if (rest.includes('--help') || rest.includes('-h')) {
      stdout.write(formatHelp(command));
      return 0;
    }
    const env = io.env ?? process.env;
    const now = io.now ?? (() => new Date());
    const { values, positionals } = parseCommandArgs(command, rest, env);
    // Chosen once per command; loadKnowledgeBase() everywhere below loads this one.
    const kb = selectKnowledgeBase({
      env,
      pin: kbPin,
      today: !entry.quietKb && !quiet ? now().toISOString().slice(0, 10) : undefined,
    });
    for (const w of kb.warnings) stderr.write(`excensus: ${w}\n`);
    return await command.run({
      now,
      kbPin,
      values,
      positionals,
      stdin: io.stdin ?? process.stdin,
      stdout,
      stderr,
      env,
      stderrIsTTY: io.stderrIsTTY ?? Boolean((stderr as NodeJS.WriteStream).isTTY),
      stdoutIsTTY: io.stdoutIsTTY ?? Boolean((stdout as NodeJS.WriteStream).isTTY),
      terminalWidth: io.terminalWidth ?? (stdout as NodeJS.WriteStream).columns,
    });
  } catch (err) {
    // A reader that went away (`excensus report --json | head -1`) is not a failure.
    if ((err as NodeJS.ErrnoException)?.code === 'EPIPE') return 0;
    if (err instanceof UsageError) {
      // the one line that says what is wrong, and where the options are: not the whole help
      stderr.write(
        `excensus ${name}: ${printable(err.message)}\nRun \`excensus ${name} --help\` for its options.\n`,
      );
      return 2;
    }
    if (err instanceof ConfigError || err instanceof DataError) {
      stderr.write(`excensus ${name}: ${printable(err.message)} [${err.code}]\n`);
      return 1;
    }
    // a file the operating system refused, wherever it was opened: its name and what was tried
    if (isFileSystemError(err)) {
      stderr.write(
        `excensus ${name}: cannot ${SYSCALL_VERBS[err.syscall ?? ''] ?? 'use'} ${err.path}: ${fileErrorReason(err)}\n`,
      );
      return 1;
    }
    stderr.write(`excensus ${name}: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}
