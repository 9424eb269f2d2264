// The accounting oracle for line-oriented inputs: reading a file must give what reading each of
// its lines gives (after the same first line: a CSV header, or a whole first record that fixes the
// layout), in order. So no line is lost or counted twice, every problem sits on its own line, and
// a line that gives neither a record nor a problem must be one a format may skip (blank, a
// masscan bracket or trailer, a comment, a repeated header).
import type { RunOutput } from './check.js';
import type { RunFlags } from './run-ingest.js';

export type Runner = (chunks: Buffer[], flags: RunFlags) => Promise<RunOutput>;

interface Reading {
  records: string[];
  problems: number[];
}

/** Lines without their '\n' (a last line without one included). */
export function splitLines(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) {
    out.push(buf.subarray(start, i));
    start = i + 1;
  }
  if (start < buf.length) out.push(buf.subarray(start));
  return out;
}

/** What identifies a record in the comparison (timestamps of sourceless records vary by run). */
function recordKey(line: string): string {
  const r = JSON.parse(line) as { ip: string; port: number; status: string; evidence: { build: unknown } };
  return `${r.ip}:${r.port} ${r.status} ${String(r.evidence.build)}`;
}

function reading(r: RunOutput, format: string): Reading | undefined {
  // exit 1 with a summary of no records is a reading too: nothing could be read (no scan is kept)
  if (r.code !== 0 && r.code !== 1) return undefined;
  const line = r.stderr
    .trim()
    .split('\n')
    .findLast((l) => l.startsWith('{') && l.includes('"summary"'));
  if (line === undefined) return undefined;
  const { summary } = JSON.parse(line) as {
    summary: {
      records: number;
      files: Array<{ format: string }>;
      problems: number;
      problem_list: Array<{ line: number }>;
    };
  };
  if (r.code === 1 && summary.records !== 0) return undefined;
  if (summary.files[0]?.format !== format || summary.problems > 1000) return undefined;
  return {
    records: r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map(recordKey),
    problems: summary.problem_list.map((p) => p.line).sort((a, b) => a - b),
  };
}

/** Whether a CSV line leaves a quoted field open (the row then goes on in the next line). */
function endsInQuotes(line: string): boolean {
  let inQuotes = false;
  let atFieldStart = true;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inQuotes) {
      if (c === '"' && line[i + 1] === '"') i++;
      else if (c === '"') inQuotes = false;
    } else if (c === '"' && atFieldStart) inQuotes = true;
    atFieldStart = !inQuotes && c === ',';
  }
  return inQuotes;
}

const SKIPPABLE: Record<string, RegExp> = {
  masscan: /^\s*,?\s*(\[|\]|\{\s*"?finished"?\s*:.*|#.*)?\s*,?\s*$/s,
};

export class LineOracle {
  private cache = new Map<string, Reading | null>();
  constructor(
    private readonly format: string,
    private readonly firstLine: Buffer,
    private readonly run: Runner,
  ) {}

  /** What `line` adds after the first line; null when it cannot be told alone (e.g. a spanning row). */
  private async alone(line: Buffer | null, flags: RunFlags): Promise<Reading | null> {
    const key = `${flags.strict} ${flags.native} ${line ? 'line:' + line.toString('latin1') : 'first line'}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const input = line ? [this.firstLine, Buffer.from('\n'), line, Buffer.from('\n')] : [this.firstLine];
    let got: Reading | null =
      reading(await this.run([Buffer.concat(input)], { ...flags, format: this.format }), this.format) ?? null;
    if (got && line) {
      // the first line must read as it reads alone; the rest is this line's
      const base = await this.alone(null, flags);
      const same = base !== null && base.records.every((k, i) => got!.records[i] === k);
      const firstLineProblems = got.problems.filter((l) => l === 1).length;
      const elsewhere = got.problems.some((l) => l !== 1 && l !== 2);
      got =
        same && !elsewhere && firstLineProblems === base.problems.length
          ? { records: got.records.slice(base.records.length), problems: got.problems.filter((l) => l === 2) }
          : null;
    }
    // long lines are a mutation's own and come back rarely: caching them would only hold memory
    if (!line || line.length <= 4096) this.cache.set(key, got);
    return got;
  }

  /**
   * What reading `lines` must give, or undefined when the oracle does not apply (the first line
   * changed, a CSV quote spans lines, a line cannot be read alone). `silent`: lines that gave
   * neither a record nor a problem although no format may skip them.
   */
  async expect(
    lines: Buffer[],
    flags: RunFlags,
  ): Promise<{ records: string[]; problems: number[]; silent: number[] } | undefined> {
    if (lines.length === 0 || !lines[0]!.equals(this.firstLine)) return undefined;
    const csv = this.format === 'csv' || this.format === 'shadowserver';
    const base = await this.alone(null, flags);
    if (!base) return undefined;
    const records = [...base.records];
    const problems = [...base.problems];
    const silent: number[] = [];
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      if (csv && endsInQuotes(line.toString('latin1'))) return undefined;
      const r = await this.alone(line, flags);
      if (!r) return undefined;
      records.push(...r.records);
      for (let k = 0; k < r.problems.length; k++) problems.push(i + 1);
      const text = line.toString('latin1');
      const skippable =
        text.trim() === '' || SKIPPABLE[this.format]?.test(text) || (csv && line.equals(this.firstLine));
      if (r.records.length === 0 && r.problems.length === 0 && !skippable) silent.push(i + 1);
    }
    return { records, problems: problems.sort((a, b) => a - b), silent };
  }
}

/** Differences between what the file gave and what its lines give, or undefined. */
export function compareWithLines(
  got: RunOutput,
  format: string,
  want: { records: string[]; problems: number[]; silent: number[] },
): string | undefined {
  if (want.silent.length > 0) return `lines ${want.silent.join(', ')} gave neither a record nor a problem`;
  const r = reading(got, format);
  if (!r) return undefined;
  if (r.records.join('\n') !== want.records.join('\n'))
    return `records differ from its lines read one by one:\n  file:  ${r.records.join(' | ').slice(0, 800)}\n  lines: ${want.records.join(' | ').slice(0, 800)}`;
  if (r.problems.join(',') !== want.problems.join(','))
    return `problem lines ${r.problems.join(',')} where its lines give ${want.problems.join(',')}`;
  return undefined;
}
