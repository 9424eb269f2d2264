// What every run of `excensus ingest --json` on a mutated fixture must satisfy: a clean outcome
// (no internal error), and a summary that accounts for what was read (records printed = records
// counted, problems listed with line numbers inside the input).
import { constants, gunzipSync } from 'node:zlib';

export interface RunOutput {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Summary {
  records: number;
  written: number;
  problems: number;
  by_format: Record<string, number>;
  files: Array<{ format: string; gzip: boolean; records: number; problems: number; damage: string | null }>;
  problem_list: Array<{ line: number; reason: string }>;
}

/** The input as the readers see it: gunzipped when it is gzip, undefined when that fails. */
export function decompressed(input: Buffer): Buffer | undefined {
  if (input[0] !== 0x1f || input[1] !== 0x8b) return input;
  try {
    return gunzipSync(input);
  } catch {
    return undefined;
  }
}

/** Number of lines readers may number in the input (a damaged gzip: as far as it inflates). */
function lineCount(input: Buffer): number {
  let text = decompressed(input);
  if (!text) {
    try {
      text = gunzipSync(input, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      return Infinity;
    }
  }
  let n = 0;
  for (let i = text.indexOf(10); i >= 0; i = text.indexOf(10, i + 1)) n++;
  return text.length > 0 && text[text.length - 1] !== 10 ? n + 1 : n;
}

/** `error` when the outcome is not acceptable; the summary when the run ended normally. */
export function checkRun(
  r: RunOutput,
  input: Buffer,
  formatGiven: boolean,
): { error?: string; summary?: Summary } {
  if (/^excensus \w+: internal error/m.test(r.stderr))
    return { error: `internal error:\n${r.stderr.slice(0, 2000)}` };
  if (r.code === 2) {
    // only "what is this file?" may be a usage error, and only when no --format was given
    if (!formatGiven && /Known formats:/.test(r.stderr)) return {};
    return { error: `exit 2: ${r.stderr.slice(0, 500)}` };
  }
  if (r.code === 1) {
    // a runtime failure must say what it is in one line with its code, not a stack
    if (/^excensus ingest: .*\[E_[A-Z_]+\]$/m.test(r.stderr) && !/\n\s+at /.test(r.stderr)) return {};
    return { error: `exit 1 without a clear message: ${r.stderr.slice(0, 1000)}` };
  }
  if (r.code !== 0) return { error: `exit ${r.code}` };
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  let summary: Summary;
  try {
    summary = (JSON.parse(last) as { summary: Summary }).summary;
  } catch {
    return { error: `no JSON summary: ${r.stderr.slice(-500)}` };
  }
  const printed = r.stdout.split('\n').filter((l) => l !== '');
  for (const l of printed) {
    const rec = JSON.parse(l) as { schema_version?: number; ip?: unknown; port?: unknown; status?: unknown };
    if (rec.schema_version !== 1 || typeof rec.ip !== 'string' || typeof rec.status !== 'string')
      return { error: `malformed record: ${l.slice(0, 300)}` };
    if (!Number.isInteger(rec.port) || (rec.port as number) < 0 || (rec.port as number) > 65535)
      return { error: `port out of range: ${l.slice(0, 300)}` };
  }
  const byFormat = Object.values(summary.by_format).reduce((a, b) => a + b, 0);
  const file = summary.files[0];
  if (summary.files.length !== 1 || !file) return { error: `files: ${JSON.stringify(summary.files)}` };
  if (
    printed.length !== summary.records ||
    summary.written !== summary.records ||
    byFormat !== summary.records
  )
    return {
      error: `records counted ${summary.records}, written ${summary.written}, printed ${printed.length}, by format ${byFormat}`,
    };
  if (file.records !== summary.records || file.problems !== summary.problems)
    return { error: `file summary ${JSON.stringify(file)} against ${summary.records}/${summary.problems}` };
  if (summary.problem_list.length !== Math.min(summary.problems, 1000))
    return { error: `${summary.problems} problems, ${summary.problem_list.length} listed` };
  const lines = lineCount(input);
  for (const p of summary.problem_list) {
    if (!Number.isInteger(p.line) || p.line < 1 || p.line > lines + 1)
      return { error: `problem at line ${p.line} of ${lines}: ${p.reason}` };
  }
  return { summary };
}
