// ingestFiles: every input -> detected format -> observations -> host records, handed to a
// pluggable sink in batches. Problems (file, line, reason) are collected and reported as they
// are found; a broken record or a truncated gzip never stops the run.
import type { Readable } from 'node:stream';
import { availableParallelism } from 'node:os';
import type { EncodedHost, StoredHost } from '../store/index.js';
import { openInput } from './input.js';
import { detectFormat, type Detected } from './detect.js';
import { readerFor } from './readers/index.js';
import { lineBlocks } from './lines.js';
import { RecordProcessor } from './process.js';
import { expandHosts, newBlockResult, type BlockResult } from './block-result.js';
import type { Judge } from '../core/judge.js';
import type { RuleDefs } from './judge-context.js';
import { anchorCores } from './fast/prefilter.js';
import { runInWorkers, startWorkers } from './transport/worker-pool.js';
import { fileRanges } from './transport/file-ranges.js';
import { autoWorkerCount, estimateAnchored } from './transport/worker-choice.js';
import type { WorkerInit, WorkerReply } from './transport/worker.js';
import { closeSync, openSync } from 'node:fs';
import { classifyEvidence } from '../classify/judge.js';
import { knowledgeBaseDirInUse, loadKnowledgeBase } from '../kb/load.js';
import type { KnowledgeBase } from '../kb/index.js';
import type { Problem } from './types.js';
import type { PlainCount } from './fast/plain-tally.js';
import { mergeEncodedCols } from './transport/encoded-columns.js';
import type { HostLines, HostText } from './host-text.js';
import { emptySpan, mergeSpan, spanWindow, type ObservedWindow, type TimeBounds } from '../core/time-span.js';

export interface IngestOptions {
  /** Forces a format for every input (else detected per file). */
  format?: string;
  asOf: string;
  exchangeOnly?: boolean;
  /** Worker threads for line-oriented inputs; 0 = judge on the calling thread; 'auto' = 2 for big files. */
  workers?: number | 'auto';
  stdin?: Readable;
  /** Keep observations (with raw records) for records judged in full (default true). */
  keepObservations?: boolean;
  /** Time given to records whose source has none (plain CSV); the caller decides (default: epoch 0). */
  defaultTimestamp?: string;
  /** Called for each problem as it is found (e.g. to print it). */
  onProblem?: (p: Problem) => void;
  /** Problems kept in the summary (all are counted). */
  maxProblems?: number;
  /** Skip the anchor pre-filter (judge every record). */
  noPrefilter?: boolean;
  /**
   * Plain records (no Exchange marker, their country and ASN given by the source) reach the sink as counts
   * by country, ASN and organisation instead of host records (for a store that keeps counts of them).
   */
  tallyPlain?: boolean;
  /**
   * Worker threads send a record they encoded for the store (encodeHost: its JSON) without its
   * evidence's details (signals, server names, suspect reasons), which that JSON holds: for a caller
   * that stores records and prints no JSON of them.
   */
  encodedColumns?: boolean;
  /**
   * For a caller that prints every record as text and stores none: worker threads send a block's
   * records as that text (see host-text.ts) when each is final there; the sink then gets the text.
   */
  hostText?: HostText;
  /** Bytes per range when worker threads read a regular file themselves (default 1 MiB for one worker, 4 MiB for more). */
  rangeBytes?: number;
  /** Record times outside these do not date the data (they are counted in the summary instead). */
  timeBounds?: TimeBounds;
  /** Stops reading: blocks already read are judged and handed on, then the summary says interrupted. */
  signal?: AbortSignal;
  /** Told what the user should know that is no problem of the input (worker threads could not start). */
  onNotice?: (message: string) => void;
  /** Main-thread judge; default: rules + knowledge base loaded here (workers compile its rules, or load their own). */
  judge?: { judge: Judge; anchors: string[]; rules?: RuleDefs };
}

export interface FileSummary {
  file: string;
  format: string;
  gzip: boolean;
  records: number;
  problems: number;
  damage?: string;
  /** Earliest and latest of the records' own times; null when none carried one. */
  observed: ObservedWindow | null;
  /** The file changed while it was read (shrank, was cut or replaced): only part of it was read. */
  changed?: boolean;
}

export interface IngestSummary {
  records: number;
  exchange: number;
  suspect: number;
  problems: Problem[];
  problemCount: number;
  byFormat: Record<string, number>;
  files: FileSummary[];
  /** Earliest and latest record time over every file; null when no record carried one. */
  observed: ObservedWindow | null;
  /** The signal stopped the run before every input was read. */
  interrupted?: boolean;
  /** Record times outside IngestOptions.timeBounds, left out of `observed`: how many, and the one furthest out. */
  timesLeftOut?: { count: number; example: string };
}

/**
 * Receives host records in input order, (with tallyPlain) counts of plain records read along the
 * way, and where the records were read: line `base + lines[i]` of `file` for the i-th.
 */
export type Sink = (
  batch: Array<StoredHost | EncodedHost>,
  plain: PlainCount[] | undefined,
  from: { file: string; base: number; lines: readonly number[] },
  /** With hostText: records a worker thread wrote as text (`batch` is then empty). */
  text?: HostLines,
) => Promise<void>;

const STREAM_BATCH = 1000;
/**
 * How the workers run. One worker (beside a calling thread that stores) gets V8's own heap sizing
 * and 1 MiB jobs: a young generation capped at 8 MB promoted a job's records before their reply left
 * and cost that thread ~1.3x the CPU per record, and without the cap 1 MiB jobs keep what waits for
 * the calling thread small. Two workers keep the cap and 4 MiB jobs: uncapped with 1 MiB jobs they
 * cost the 5% file 3-14% more CPU and 37 MB more RSS into SQLite (docs/ingest-exchange-heavy.md).
 */
const ONE_WORKER = { rangeBytes: 1024 * 1024, limits: undefined, inFlight: 4 };
const WORKERS = { rangeBytes: 4 * 1024 * 1024, limits: { maxYoungGenerationSizeMb: 8 }, inFlight: 4 };
/**
 * Threads that send text (hostText) judge with V8's own heap sizing and 1 MiB jobs, two at a time:
 * nothing waits for a store, and a MiB of short Exchange lines is ~20 MB of text. On the 100%
 * Exchange file (--no-store --json) the capped 4 MiB set-up cost ~12% more CPU and ~300 MB of RSS.
 */
const TEXT_WORKERS = { rangeBytes: 512 * 1024, limits: undefined, inFlight: 2 };
const MAX_PROBLEMS = 1000;

export async function ingestFiles(files: string[], opts: IngestOptions, sink: Sink): Promise<IngestSummary> {
  const summary: IngestSummary = {
    records: 0,
    exchange: 0,
    suspect: 0,
    problems: [],
    problemCount: 0,
    byFormat: {},
    files: [],
    observed: null,
  };
  const span = emptySpan();
  const maxProblems = opts.maxProblems ?? MAX_PROBLEMS;
  const report = (problem: Problem) => {
    const p = { ...problem, reason: shortReason(problem.reason) };
    summary.problemCount++;
    if (summary.problems.length < maxProblems) summary.problems.push(p);
    opts.onProblem?.(p);
  };
  let judgeCtx = opts.judge;
  const getJudge = async () => (judgeCtx ??= (await import('./judge-context.js')).createJudge(opts.asOf));
  /** Records with an anchor a plain file holds, estimated from a sample (for `workers: 'auto'`). */
  const anchoredIn = async (file: string, from: number, size: number): Promise<number> => {
    const cores = anchorCores((await getJudge()).anchors);
    if (!cores) return 0;
    const fd = openSync(file, 'r');
    try {
      return estimateAnchored(fd, from, size, cores);
    } finally {
      closeSync(fd);
    }
  };
  /** What worker replies need to fill their classifications in again (loaded at the first). */
  let kbContext: { kb: KnowledgeBase; asOf: string } | undefined;

  /** Worker threads could not start (no memory for them): the rest is read on this thread. */
  let noThreads = false;
  const stopped = () => {
    if (opts.signal?.aborted) summary.interrupted = true;
    return summary.interrupted === true;
  };
  // a pipe that sends nothing must not hold a stop request: its read ends, what was read is judged
  let release = () => {};
  opts.signal?.addEventListener('abort', () => release(), { once: true });
  for (const file of files) {
    if (stopped()) break;
    const input = await openInput(file, opts.stdin ?? process.stdin);
    release = () => input.release();
    if (input.head.length === 0) {
      // an empty file (or an empty download) holds no records and no format to detect
      const damage = input.damage();
      summary.files.push({
        file: input.name,
        format: opts.format ?? 'empty',
        gzip: input.gzip,
        records: 0,
        problems: damage ? 1 : 0,
        ...(damage ? { damage } : {}),
        observed: null,
      });
      if (damage) report({ file: input.name, line: 1, reason: `${damage}; no record could be read` });
      continue;
    }
    const detected = detectFormat(input.head, file, opts.format);
    const fs: FileSummary = {
      file: input.name,
      format: detected.format,
      gzip: input.gzip,
      records: 0,
      problems: 0,
      observed: null,
    };
    const fileSpan = emptySpan();
    const add = async (r: BlockResult, base: number) => {
      mergeSpan(fileSpan, r.span);
      for (const p of r.problems) {
        fs.problems++;
        report({ file: input.name, line: p.line + base, reason: p.reason });
      }
      fs.records += r.records;
      summary.exchange += r.exchange;
      summary.suspect += r.suspect;
      if (r.text) {
        if (r.text.count > 0 || r.plain)
          await sink([], r.plain, { file: input.name, base, lines: [] }, r.text);
      } else if (r.hosts.length > 0 || r.plainCols || r.plain)
        await sink(expandHosts(r), r.plain, { file: input.name, base, lines: r.lines });
    };
    const reader = readerFor(detected);
    const workers =
      opts.workers !== 'auto'
        ? (opts.workers ?? 0)
        : reader.kind !== 'lines'
          ? 0
          : await autoWorkerCount({
              size: input.size,
              gzip: input.gzip,
              cores: availableParallelism(),
              storing: opts.encodedColumns === true,
              texts: opts.hostText !== undefined,
              anchored: () => (input.seekable ? anchoredIn(file, input.bom, input.size!) : 0),
            });
    let lastLine = 0;
    let threads = false;
    if (reader.kind === 'lines' && workers > 0 && !noThreads) {
      const init: WorkerInit = {
        detected,
        asOf: opts.asOf,
        exchangeOnly: opts.exchangeOnly ?? false,
        keepObservations: opts.keepObservations ?? true,
        defaultTimestamp: opts.defaultTimestamp ?? new Date(0).toISOString(),
        prefilter: !opts.noPrefilter,
        tallyPlain: opts.tallyPlain ?? false,
        encodedColumns: opts.encodedColumns ?? false,
        kbDir: knowledgeBaseDirInUse(),
        ...(opts.timeBounds ? { timeBounds: opts.timeBounds } : {}),
        ...(opts.hostText ? { hostText: opts.hostText } : {}),
      };
      // read here once (this thread also needs the knowledge base): the workers compile the rules
      const rules = (await getJudge()).rules;
      if (rules) init.rules = rules;
      const onReply = async (reply: WorkerReply) => {
        if (reply.result.encodedCols) {
          reply.result.hosts = mergeEncodedCols(reply.result.hosts, reply.result.encodedCols);
          delete reply.result.encodedCols;
        }
        if (reply.result.hosts.length > 0) {
          const ctx = (kbContext ??= { kb: loadKnowledgeBase(), asOf: opts.asOf });
          for (const h of reply.result.hosts)
            h.record.classification = classifyEvidence(h.record.evidence, ctx);
        }
        await add(reply.result, lastLine);
        lastLine += reply.lines;
      };
      // the threads read a regular file themselves: the bytes never pass through this thread
      const size = input.seekable && !input.gzip ? input.size : undefined;
      const fd = size !== undefined ? openSync(file, 'r') : null;
      try {
        const how = workers === 1 ? ONE_WORKER : opts.hostText ? TEXT_WORKERS : WORKERS;
        const pool = await startWorkers(
          workers,
          fd === null || size === undefined ? init : { ...init, file: { fd, size, contentStart: input.bom } },
          how.limits,
        );
        if (typeof pool === 'string') {
          noThreads = true;
          opts.onNotice?.(`worker threads cannot start (${pool}): reading on one thread`);
        } else if (size !== undefined) {
          threads = true;
          input.release();
          const ranges = fileRanges(input.bom, size, opts.rangeBytes ?? how.rangeBytes);
          await runInWorkers(ranges, pool, onReply, stopped, how.inFlight);
        } else {
          threads = true;
          await runInWorkers(
            lineBlocks(input.chunks, 2 * 1024 * 1024, stopped),
            pool,
            onReply,
            stopped,
            how.inFlight,
          );
        }
      } finally {
        if (fd !== null) closeSync(fd);
      }
    }
    if (!threads) {
      const processor = await makeProcessor(detected, opts, await getJudge());
      if (reader.kind === 'lines') {
        for await (const block of lineBlocks(input.chunks, 256 * 1024, stopped)) {
          const out = newBlockResult(opts.timeBounds);
          const n = processor.addLines(block, 0, out);
          await add(out, lastLine);
          lastLine += n;
          if (stopped()) break; // the block read is judged and stored, no more
        }
      } else {
        let out = newBlockResult(opts.timeBounds);
        for await (const item of reader.read(input.chunks)) {
          if (stopped()) break;
          lastLine = Math.max(lastLine, item.line);
          if ('error' in item) out.problems.push({ line: item.line, reason: item.error });
          else processor.addObservations(item.observations, out, item.line);
          if (out.hosts.length >= STREAM_BATCH || out.problems.length > 0) {
            await add(out, 0);
            out = newBlockResult(opts.timeBounds);
          }
        }
        await add(out, 0);
      }
    }
    const changed = stopped() ? undefined : input.changed();
    // a read cut short on purpose is not damage of the file
    const damage = stopped() ? undefined : (input.damage() ?? changed);
    if (changed) fs.changed = true;
    if (damage) {
      fs.damage = damage;
      fs.problems++;
      report({
        file: input.name,
        line: lastLine + 1,
        reason: `${damage}; records before this point were kept`,
      });
    }
    fs.observed = spanWindow(fileSpan);
    mergeSpan(span, fileSpan);
    summary.records += fs.records;
    summary.byFormat[detected.format] = (summary.byFormat[detected.format] ?? 0) + fs.records;
    summary.files.push(fs);
  }
  summary.observed = spanWindow(span);
  if (span.outside) summary.timesLeftOut = { count: span.outside, example: span.outsideExample! };
  stopped();
  return summary;
}

/** Counts a problem found after the read (a record the store refused) as the read counts its own. */
export function addProblem(summary: IngestSummary, p: Problem): void {
  summary.problemCount++;
  if (summary.problems.length < MAX_PROBLEMS) summary.problems.push(p);
  const fs = summary.files.find((f) => f.file === p.file);
  if (fs) fs.problems++;
}

/**
 * A reason quotes the value it rejects, which can be as long as a line (64 MiB): cut, so that the
 * kept problems and the terminal get a readable line. Copied, as a slice would keep the whole.
 */
const MAX_REASON_CHARS = 300;
function shortReason(reason: string): string {
  if (reason.length <= MAX_REASON_CHARS) return reason;
  const head = Buffer.from(reason.slice(0, MAX_REASON_CHARS)).toString();
  return `${head}... (${reason.length} characters in all)`;
}

async function makeProcessor(
  detected: Detected,
  opts: IngestOptions,
  ctx: { judge: Judge; anchors: string[] },
): Promise<RecordProcessor> {
  return new RecordProcessor(detected, {
    judge: ctx.judge,
    prefilter: opts.noPrefilter ? null : anchorCores(ctx.anchors),
    exchangeOnly: opts.exchangeOnly ?? false,
    keepObservations: opts.keepObservations ?? true,
    defaultTimestamp: opts.defaultTimestamp ?? new Date(0).toISOString(),
    tallyPlain: opts.tallyPlain ?? false,
  });
}
