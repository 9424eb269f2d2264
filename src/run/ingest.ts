// ingestIntoStore: scan files in any format -> judged host records -> the store (or only the
// caller), as one named scan. The caller declares what it wants back (`output`); how records
// travel between threads and into the store follows from that here, never from the caller.
import { loadKnowledgeBase } from '../kb/load.js';
import type { Readable } from 'node:stream';
import type { HostRecord } from '../core/host-record.js';
import { addProblem, ingestFiles, type IngestSummary } from '../ingest/pipeline.js';
import type { Problem } from '../ingest/types.js';
import type { ScanInfo, Store } from '../store/index.js';
import { geoResolverFor, type GeoChoice } from './geo.js';
import { Recorder, defaultScanName, findResumable, type RefusedAt } from './recorder.js';
import { statSync } from 'node:fs';
import { ConfigError, UsageError } from '../core/errors.js';
import { ingestBounds, type ObservedWindow } from '../core/time-span.js';
import { FORMATS } from '../ingest/types.js';
import { hostLines, type HostText } from '../ingest/host-text.js';

export { FORMATS };
import { checkSameInputs, printInput } from './input-prints.js';

/**
 * What the caller does with the records besides storing them: `records` = every record in full
 * (JSON output), `rows` = the table fields of the records kept one by one (ip, port, status,
 * build, release, geo, ASN), `none` = nothing (the store and the summary are the result).
 */
export type IngestOutput = 'records' | 'rows' | 'none';

export interface IngestIntoStoreOptions {
  files: string[];
  /** Forces a format for every input (else detected per file). */
  format?: string;
  asOf: string;
  /** Records without an Exchange marker (on-premises or suspect) are neither stored nor passed on. */
  exchangeOnly?: boolean;
  /** Parse and judge every record (no anchor pre-filter). */
  strict?: boolean;
  /** Worker threads for line-oriented inputs (0 = none; 'auto' = 2 for big files). */
  workers?: number | 'auto';
  stdin?: Readable;
  /** null: judge only (nothing stored). */
  store: Store | null;
  /** Scan name (default: kind, source and start time); a name given is never altered. */
  name?: string;
  series?: string;
  /** Continue this unfinished scan (name, id or "last") instead of creating one. */
  resumeScan?: string;
  /** Keep a row for every record without an Exchange marker instead of counts by network. */
  plainRows?: boolean;
  geo?: GeoChoice;
  output: IngestOutput;
  /** The time given to records whose source has none; default: now. */
  now?: string;
  /** When the data was observed (--observed-at): overrides the records' own times, and is the time of records without one. */
  observedAt?: ObservedWindow;
  /**
   * Run as one input of this distributed ingest: write into it and leave its state to the queue.
   * Every record keeps a row (a count could not be taken back when an input is read again).
   */
  partOf?: ScanInfo;
  /** A scan's lease lapses this long after its writer's last heartbeat (default 60 s). */
  leaseTtlMs?: number;
}

export interface IngestHooks {
  /** Records in input order, after geo enrichment (not called with output 'none'). */
  onRecords?: (records: HostRecord[]) => Promise<void> | void;
  /**
   * Instead of onRecords: the records as the text printed for them, in input order, each line ending
   * in "\n": a JSON Line per record for output `records`, a table row (hostTableRow) for `rows`.
   * Without a store, worker threads then make the text themselves.
   */
  onText?: (text: string) => Promise<void> | void;
  onProblem?: (p: Problem) => void;
  /** Something the user should know that is not a problem of the input. */
  onNotice?: (message: string) => void;
  /** Records stored so far, after each batch commits (the window is null: reader threads keep it). */
  onCommit?: (stored: number, observed: ObservedWindow | null) => void;
  /** Stops reading; records read so far are stored and the scan is marked interrupted. */
  signal?: AbortSignal;
}

export interface IngestResult {
  summary: IngestSummary;
  /** Records passed to onRecords or onText. */
  emitted: number;
  /** Null without a store. */
  scanId: number | null;
  /** Records the store took (rows and counts). */
  stored: number;
  /** Records without an Exchange marker were kept as counts by country and network. */
  countPlain: boolean;
  /** When the data was observed: --observed-at, else the records' own times; null if none had one. */
  observed: ObservedWindow | null;
  /** `observed` is --observed-at: given to this run, or kept by the scan it resumed. */
  observedGiven: boolean;
  /** Set when no record could be read (or, as part of a distributed ingest, the input changed while read): why. */
  failure?: string;
}

export async function ingestIntoStore(
  o: IngestIntoStoreOptions,
  hooks: IngestHooks = {},
): Promise<IngestResult> {
  checkInputs(o.files, o.format);
  const startedAt = o.now ?? new Date().toISOString();
  const store = o.store;
  const source = o.format ?? 'auto';
  const series = o.series ?? `ingest:${source}`;
  const resume =
    o.partOf ??
    (store && o.resumeScan ? await findResumable(store, o.resumeScan, 'ingest', series) : undefined);
  const countPlain = store !== null && !o.partOf && (resume ? resumedCountsPlain(resume) : !o.plainRows);
  // a resumed scan keeps the --observed-at it began with, unless this run gives one
  const observedAt = o.observedAt ?? (resume && !o.partOf ? resumedObservedAt(resume) : undefined);
  if (resume && !o.partOf && o.plainRows === countPlain) {
    hooks.onNotice?.(
      `scan "${resume.name}" ${countPlain ? 'counts' : 'keeps a row for'} records without an Exchange marker; the resumed run does the same`,
    );
  }
  const prints = store ? o.files.map(printInput) : [];
  // a record the store refuses is a problem of its line, found after the read: counted at the end
  const refused: Problem[] = [];
  const onRefused = (r: RefusedAt) => {
    const p = refusalProblem(r);
    refused.push(p);
    hooks.onProblem?.(p);
  };
  const recorder = await Recorder.open({
    onRefused,
    store,
    countPlain,
    ...(o.leaseTtlMs !== undefined ? { leaseTtlMs: o.leaseTtlMs } : {}),
    ...(o.partOf ? { shardOfQueue: true } : {}),
    ...(resume ? { beforeWrite: async () => checkSameInputs(resume, prints) } : {}),
    geo: geoResolverFor(o.geo),
    nameGiven: o.name !== undefined,
    ...(resume ? { resume } : {}),
    ...(hooks.onCommit ? { onCommit: hooks.onCommit } : {}),
    meta: {
      name: o.name ?? defaultScanName('ingest', source, startedAt),
      kind: 'ingest',
      source,
      series,
      startedAt,
      inputs: o.files,
      options: {
        exchange_only: o.exchangeOnly ?? false,
        as_of: o.asOf,
        count_plain: countPlain,
        ...(observedAt ? { observed_at: observedAt } : {}),
        kb_version: loadKnowledgeBase().version,
        input_prints: prints,
      },
    },
  });
  let emitted = 0;
  // the text printed per record, when the caller takes text
  const textKind = hooks.onText ? TEXT_OF[o.output] : undefined;
  let summary: IngestSummary;
  try {
    summary = await ingestFiles(
      o.files,
      {
        ...(o.format !== undefined ? { format: o.format } : {}),
        asOf: o.asOf,
        exchangeOnly: o.exchangeOnly ?? false,
        noPrefilter: o.strict ?? false,
        workers: o.workers ?? 'auto',
        ...(o.stdin ? { stdin: o.stdin } : {}),
        ...transportFor(o.output, store !== null, countPlain, textKind),
        defaultTimestamp: observedAt?.first ?? startedAt,
        timeBounds: ingestBounds(startedAt),
        ...(hooks.onProblem ? { onProblem: hooks.onProblem } : {}),
        ...(hooks.onNotice ? { onNotice: hooks.onNotice } : {}),
        ...(hooks.signal ? { signal: hooks.signal } : {}),
      },
      async (batch, plain, from, lines) => {
        if (lines) {
          // made by a worker thread from records that were final there (hostText: nothing is stored)
          recorder.addWritten(lines.count);
          await hooks.onText!(lines.text);
          emitted += lines.count;
          return;
        }
        await recorder.add(batch, plain, from); // enriches geo in place, then stores in batches
        if (o.output === 'none' || batch.length === 0) return;
        const records = batch.map((h) => h.record);
        if (textKind) await hooks.onText!(hostLines(textKind, records).text);
        else if (hooks.onRecords) await hooks.onRecords(records);
        else return;
        emitted += batch.length;
      },
    );
  } catch (err) {
    if (!o.partOf) {
      await recorder.finish('interrupted').catch(() => {});
      await recorder.dropIfEmpty().catch(() => false);
    }
    throw err;
  }
  const observed = observedAt ?? summary.observed;
  const result = (scanId: number | null, stored: number, failure?: string): IngestResult => ({
    summary,
    emitted,
    scanId,
    stored,
    countPlain,
    observed,
    observedGiven: observedAt !== undefined,
    ...(failure !== undefined ? { failure } : {}),
  });
  const out = summary.timesLeftOut;
  if (out && !observedAt)
    hooks.onNotice?.(
      `${out.count} record time${out.count === 1 ? '' : 's'} before 1990 or after ${startedAt.slice(0, 10)} (e.g. ${out.example}) left out of the scan's dates`,
    );
  if (o.partOf) {
    // an input's end is not the scan's: the queue finishes the scan after its last input; one that
    // gave nothing, or changed while read, fails its shard as a local ingest would fail
    await recorder.flush();
    for (const p of refused) addProblem(summary, p);
    const damaged = summary.files.find((f) => f.changed || f.damage);
    const failure =
      summary.records === 0
        ? noRecordReason(summary)
        : damaged
          ? `${damaged.file}: ${damaged.damage ?? 'changed while read'}`
          : undefined;
    return result(recorder.scanId, recorder.written, failure);
  }
  if (summary.records === 0) {
    // nothing readable (a wrong --format, a header without the columns, a gzip cut before its first record)
    await recorder.finish('interrupted', observed);
    const dropped = await recorder.dropIfEmpty();
    return result(dropped ? null : recorder.scanId, recorder.written, noRecordReason(summary));
  }
  // stopped by a signal, or an input changed while read (read in part): the scan is not complete
  const partial = summary.interrupted || summary.files.some((f) => f.changed);
  await recorder.finish(partial ? 'interrupted' : 'complete', observed);
  for (const p of refused) addProblem(summary, p);
  // records read but none kept (--exchange-only over data without Exchange): an empty scan would
  // only stand in the way of the latest real one
  if (store && recorder.written === 0 && !resume && (await recorder.dropIfEmpty())) {
    hooks.onNotice?.(
      `no record was stored${o.exchangeOnly ? ' (--exchange-only: none had an Exchange marker)' : ''}, so no scan was kept`,
    );
    return result(null, 0);
  }
  return result(recorder.scanId, recorder.written);
}

/** Fails before a scan is created on what can be known up front: files that are missing or not files, an unknown --format. */
function checkInputs(files: string[], format: string | undefined): void {
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format.toLowerCase()))
    throw new UsageError(`unknown --format "${format}". Known formats: ${FORMATS.join(', ')}`);
  for (const f of files) {
    if (f === '-') continue;
    let isFile: boolean;
    try {
      isFile = statSync(f).isFile();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ConfigError(
        'E_INPUT',
        `cannot read ${f}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
        { cause: err },
      );
    }
    // a FIFO or device may still be read; a directory never
    if (!isFile && statSync(f).isDirectory())
      throw new ConfigError('E_INPUT', `cannot read ${f}: it is a directory, not a scan file`);
  }
}

function noRecordReason(s: IngestSummary): string {
  const what = s.files.map((f) => `${f.file} (${f.format})`).join(', ') || 'the input';
  const first = s.problems[0];
  return `no record could be read from ${what}${first ? `: ${first.file}:${first.line}: ${first.reason}` : ''}`;
}

function refusalProblem(r: RefusedAt): Problem {
  const what = r.ip === null ? `${r.records} counted records` : `the record of ${r.ip}:${r.port}`;
  return { file: r.file ?? '-', line: r.line ?? 0, reason: `the store refused ${what}: ${r.reason}` };
}

/** The --observed-at a scan began with (kept in its options), if any. */
function resumedObservedAt(scan: ScanInfo): ObservedWindow | undefined {
  const w = scan.options.observed_at as Partial<ObservedWindow> | undefined;
  return typeof w?.first === 'string' && typeof w.last === 'string'
    ? { first: w.first, last: w.last }
    : undefined;
}

/** A resumed ingest keeps the way its scan began (scans from before counting kept a row each). */
function resumedCountsPlain(scan: ScanInfo): boolean {
  return scan.options.count_plain === true;
}

/** The text printed per record for each output (onText). */
const TEXT_OF: Record<IngestOutput, HostText | undefined> = {
  records: 'json',
  rows: 'rows',
  none: undefined,
};

/**
 * How records travel, from what the caller wants: the store needs observations (for
 * `reclassify`); records nobody prints in full may cross threads without their evidence's
 * details (the store has them in their encoded JSON); records without a marker that the store
 * only counts need not become records at all when nobody prints them one by one; and records
 * printed as text and not stored may cross as that text.
 */
function transportFor(
  output: IngestOutput,
  stored: boolean,
  countPlain: boolean,
  text: HostText | undefined,
) {
  return {
    keepObservations: stored,
    encodedColumns: stored && output !== 'records',
    tallyPlain: countPlain && output !== 'records',
    ...(text && !stored ? { hostText: text } : {}),
  };
}
