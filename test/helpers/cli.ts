// Runs the CLI in-process (fast) or as a child process (for exit codes, stdin, signals).
import { spawn } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** In-process run: same code path as the binary, no process start cost. */
export async function runCli(
  args: string[],
  /** stdin: text, or the chunks a pipe delivers one after another */
  opts: {
    stdin?: string | Buffer[];
    env?: NodeJS.ProcessEnv;
    now?: Date;
    /** Pretend stdout is a terminal this wide (tables are fitted to it). */
    terminalWidth?: number;
  } = {},
): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c: Buffer) => (stdout += c.toString()));
  err.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await main(args, {
    stdout: out,
    stderr: err,
    stdin: Readable.from(Array.isArray(opts.stdin) ? opts.stdin : [opts.stdin ?? '']),
    env: { ...process.env, ...opts.env },
    stderrIsTTY: false,
    stdoutIsTTY: opts.terminalWidth !== undefined,
    ...(opts.terminalWidth !== undefined ? { terminalWidth: opts.terminalWidth } : {}),
    ...(opts.now ? { now: () => opts.now! } : {}),
  });
  return { code, stdout, stderr };
}

/** Child-process run through tsx (no build needed). */
export function spawnCli(
  args: string[],
  opts: { stdin?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `${repoRoot}src/cli/run.ts`, ...args], {
      env: { ...process.env, ...opts.env },
      cwd: repoRoot,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}
