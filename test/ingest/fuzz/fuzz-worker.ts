// Runs the fuzz cases on a worker thread, so that the test's own thread can stop a case that hangs
// (even in a loop that never yields) and watch memory. First every fixture unmutated (which also
// tells which fixtures read line by line), then one huge line per format, then random cases until
// the budget is spent. Messages: {start, index, desc, longestLine} before each case, {fail} on a
// failure, {end} at the end.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { checkRun, decompressed, type RunOutput } from './check.js';
import { LineOracle, compareWithLines, splitLines } from './line-oracle.js';
import { chunksOf, mutateFixture, rngFor } from './mutate.js';
import { runIngest, type RunFlags } from './run-ingest.js';

export interface FixtureInfo {
  name: string;
  bytes: Uint8Array;
  format: string;
}

export interface WorkerInput {
  fixtures: FixtureInfo[];
  seed: number;
  budgetMs: number;
  /** Size of the line added to one fixture of each format before the random cases. */
  hugeLineBytes: number;
  /** Run only this random case (a replay). */
  only?: number;
  /** Write the replayed case's input here. */
  save?: string;
}

export interface CaseDesc {
  fixture: string;
  steps: string[];
  args: string[];
  native: boolean;
  chunks: number;
  bytes: number;
}

const env = process.env;
const post = (m: unknown) => parentPort!.postMessage(m);
const input = workerData as WorkerInput;
const dir = mkdtempSync(join(tmpdir(), 'excensus-fuzz-'));
const oracles = new Map<string, LineOracle>();

function longestLine(buf: Buffer): number {
  let longest = 0;
  let start = 0;
  for (let i = buf.indexOf(10); ; i = buf.indexOf(10, i + 1)) {
    const end = i < 0 ? buf.length : i;
    longest = Math.max(longest, end - start);
    if (i < 0) return longest;
    start = i + 1;
  }
}

/** Runs one case and checks it; returns the failure, if any, and the run. */
async function runCase(
  index: number,
  fx: FixtureInfo,
  steps: string[],
  bytes: Buffer,
  flags: RunFlags,
  chunks: Buffer[],
  viaFile: boolean,
): Promise<{ failure?: string; run?: RunOutput }> {
  const args = runArgs(fx, flags, viaFile);
  const desc: CaseDesc = {
    fixture: fx.name,
    steps,
    args,
    native: flags.native,
    chunks: chunks.length,
    bytes: bytes.length,
  };
  post({ type: 'start', index, desc, longestLine: longestLine(decompressed(bytes) ?? bytes) });
  const t0 = performance.now();
  let failure: string | undefined;
  let r: RunOutput | undefined;
  try {
    r = await runIngest(chunks, flags, viaFile ? join(dir, fx.name) : undefined);
    const { error, summary } = checkRun(r, bytes, flags.format !== undefined);
    failure = error;
    const oracle = oracles.get(fx.name);
    const plain = decompressed(bytes);
    if (!failure && summary && oracle && plain && summary.files[0]?.format === fx.format) {
      const want = await oracle.expect(splitLines(plain), { ...flags, format: fx.format });
      if (want) failure = compareWithLines(r, fx.format, want);
    }
  } catch (e) {
    failure = `main threw: ${(e as Error)?.stack ?? String(e)}`;
  }
  if (failure) post({ type: 'fail', index, desc, error: failure });
  if (env.EXCENSUS_FUZZ_TRACE) console.error(JSON.stringify({ index, ms: performance.now() - t0, ...desc }));
  return { ...(failure ? { failure } : {}), ...(r ? { run: r } : {}) };
}

function runArgs(fx: FixtureInfo, flags: RunFlags, viaFile: boolean): string[] {
  const args = ['ingest', viaFile ? fx.name : '-'];
  if (flags.format) args.push('--format', flags.format);
  if (flags.strict) args.push('--strict');
  return args;
}

/** A document (XML, a pretty-printed or bracketed JSON value) rather than one record per line. */
function isDocument(first: Buffer | undefined): boolean {
  const t = (first ?? Buffer.alloc(0)).toString('latin1').trim();
  return t === '{' || t === '[' || t.startsWith('<');
}

/** Every fixture as it is: must pass, and tells which ones read line by line. */
async function warmUp(): Promise<string[]> {
  const additive: string[] = [];
  for (const [i, fx] of input.fixtures.entries()) {
    const bytes = Buffer.from(fx.bytes);
    const flags = { format: fx.format, strict: false, native: true };
    const { failure, run } = await runCase(-1 - i, fx, ['unmutated'], bytes, flags, [bytes], false);
    if (failure || !run) continue;
    const lines = splitLines(decompressed(bytes)!);
    const oracle = new LineOracle(fx.format, lines[0] ?? Buffer.alloc(0), (c, f) => runIngest(c, f));
    const want = await oracle.expect(lines, flags);
    const mismatch = want ? compareWithLines(run, fx.format, want) : 'its lines cannot be read alone';
    if (!mismatch) {
      oracles.set(fx.name, oracle);
      additive.push(fx.name);
    } else if (!isDocument(lines[0])) {
      // a file of records or rows one per line must read as its lines do, unmutated first of all
      post({ type: 'fail', index: -1 - i, error: `${fx.name} does not read as its lines do: ${mismatch}` });
    }
  }
  return additive;
}

/** One fixture per format with a long value added to a record: memory must follow the line. */
async function hugeLines(): Promise<void> {
  const seen = new Set<string>();
  for (const fx of input.fixtures) {
    if (seen.has(fx.format) || fx.bytes[0] === 0x1f) continue;
    seen.add(fx.format);
    const lines = splitLines(Buffer.from(fx.bytes));
    const at = Math.min(1, lines.length - 1);
    const line = lines[at]!.toString('latin1');
    const cut = Math.max(0, line.lastIndexOf('"'));
    lines[at] = Buffer.from(line.slice(0, cut) + 'x'.repeat(input.hugeLineBytes) + line.slice(cut), 'latin1');
    const bytes = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
    const flags = { format: fx.format, strict: false, native: true };
    await runCase(
      -100 - seen.size,
      fx,
      [`value of ${input.hugeLineBytes} bytes in line ${at + 1}`],
      bytes,
      flags,
      [bytes],
      false,
    );
  }
}

async function randomCase(index: number): Promise<void> {
  const fx = input.fixtures[index % input.fixtures.length]!;
  const rng = rngFor(input.seed, index);
  const { steps, input: bytes } = mutateFixture(Buffer.from(fx.bytes), rng);
  const flags: RunFlags = { strict: rng() < 0.3, native: rng() < 0.5 };
  if (rng() < 0.8) flags.format = fx.format;
  const viaFile = rng() < 0.25;
  const chunks = chunksOf(bytes, rng);
  if (input.save !== undefined) {
    // the input, and how it was cut into chunks (a boundary can matter)
    writeFileSync(input.save, bytes);
    writeFileSync(`${input.save}.chunks.json`, JSON.stringify(chunks.map((c) => c.length)));
  }
  await runCase(index, fx, steps, bytes, flags, chunks, viaFile);
}

process.on('unhandledRejection', (e) => {
  post({ type: 'fail', index: -1, error: `unhandled rejection: ${(e as Error)?.stack ?? String(e)}` });
});

let cases = 0;
const started = performance.now();
try {
  let index = input.only ?? 0;
  if (input.only !== undefined) {
    // a replayed case starts from the same loaded state as in a full run (memory is compared)
    const fx = input.fixtures[input.only % input.fixtures.length]!;
    await runIngest([Buffer.from(fx.bytes)], { format: fx.format, strict: false, native: true });
  } else {
    const additive = await warmUp();
    const warm = performance.now();
    post({
      type: 'note',
      text: `${additive.length} of ${input.fixtures.length} fixtures read line by line (checked against their lines): ${additive.join(', ')}`,
    });
    await hugeLines();
    post({
      type: 'note',
      text: `unmutated fixtures ${(warm - started).toFixed(0)} ms, huge values ${(performance.now() - warm).toFixed(0)} ms`,
    });
  }
  const randomStart = performance.now();
  do {
    await randomCase(index++);
    cases++;
  } while (
    input.only === undefined &&
    (performance.now() - started < input.budgetMs || cases < input.fixtures.length)
  );
  post({ type: 'end', cases, ms: performance.now() - randomStart, total: performance.now() - started });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
