// One in-process `excensus ingest --json` run over bytes given as stdin (in the given chunks) or
// as a file, with the native reader on or off.
import { writeFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../../src/cli/main.js';
import type { RunOutput } from './check.js';

export interface RunFlags {
  format?: string;
  strict: boolean;
  native: boolean;
}

export function ingestArgs(source: string, flags: RunFlags): string[] {
  const args = ['ingest', source, '--json', '--no-store', '--no-geo', '--as-of', '2026-06-01'];
  if (flags.format !== undefined) args.push('--format', flags.format);
  if (flags.strict) args.push('--strict');
  return args;
}

export async function runIngest(
  chunks: Buffer[],
  flags: RunFlags,
  file?: string,
): Promise<RunOutput & { args: string[] }> {
  if (file !== undefined) writeFileSync(file, Buffer.concat(chunks));
  const args = ingestArgs(file ?? '-', flags);
  // read by src/ingest/native-scan.ts on each use; a worker thread's environment is its own
  if (flags.native) delete process.env.EXCENSUS_NO_NATIVE;
  else process.env.EXCENSUS_NO_NATIVE = '1';
  const out = new PassThrough();
  const err = new PassThrough();
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  out.on('data', (c: Buffer) => stdout.push(c));
  err.on('data', (c: Buffer) => stderr.push(c));
  const code = await main(args, {
    stdout: out,
    stderr: err,
    stdin: Readable.from(chunks),
    env: { ...process.env, EXCENSUS_WORKERS: '0' },
    stderrIsTTY: false,
    stdoutIsTTY: false,
  });
  return { code, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString(), args };
}
