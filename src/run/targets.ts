// The targets of a scan: arguments and target files (-l FILE, "-" = stdin) -> target specs. A bad
// argument is a usage error; bad lines in a file are returned, and the good ones are scanned.
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { ConfigError, UsageError, fileErrorReason } from '../core/errors.js';
import {
  loadProbePlan,
  parsePorts,
  parseTargetLines,
  parseTargetSpec,
  type SpecError,
  type TargetSpec,
} from '../probe/index.js';

export { parseBytes, parseDuration, parseShard, parseUserAgent } from '../probe/scan-options.js';
export { readResumeFile, type ResumeState } from '../probe/resume.js';
export { progressLine } from '../probe/progress-line.js';

export interface ScanTargets {
  specs: TargetSpec[];
  /** How they were given, recorded with the scan: the arguments, then "@FILE" per list. */
  inputs: string[];
  /** Lines of target files that are not targets (skipped). */
  badLines: SpecError[];
}

export async function readTargets(args: string[], lists: string[], stdin: Readable): Promise<ScanTargets> {
  const specs: TargetSpec[] = [];
  args.forEach((p, i) => {
    const r = parseTargetSpec(p);
    if (typeof r === 'string') throw new UsageError(`argument ${i + 1} "${p}": ${r}`);
    specs.push(r);
  });
  const badLines: SpecError[] = [];
  for (const file of lists) {
    let body: string;
    try {
      body = file === '-' ? await text(stdin) : readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError('E_TARGET_FILE', `cannot read target file ${file}: ${fileErrorReason(err)}`, {
        cause: err,
      });
    }
    const { specs: more, errors } = parseTargetLines(body, file === '-' ? 'stdin' : file);
    badLines.push(...errors);
    specs.push(...more);
  }
  if (specs.length === 0 && badLines.length === 0)
    throw new UsageError('give at least one target (or -l FILE)');
  return { specs, inputs: [...args, ...lists.map((f) => `@${f}`)], badLines };
}

/** Checks a --ports value before anything is opened; throws a usage error naming the problem. */
export function checkPorts(ports: string): void {
  const parsed = parsePorts(ports, loadProbePlan().ports);
  if (typeof parsed === 'string') throw new UsageError(`--ports: ${parsed}`);
}
