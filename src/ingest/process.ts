// Record-level work shared by the main thread and the worker threads: lines -> observations ->
// host records, with the anchor pre-filter in front of parsing and judging.
import type { HostRecord } from '../core/host-record.js';
import type { Observation } from '../core/observation.js';
import type { Judge } from '../core/judge.js';
import type { Evidence } from '../core/evidence.js';
import type { Detected } from './detect.js';
import { readerFor } from './readers/index.js';
import { lineReaderKey } from './readers/stored-line.js';
import { PlainTally } from './fast/plain-tally.js';
import type { FastReader } from './fast/fast-reader.js';
import {
  addNativeTimes,
  loadNativeFields,
  newPlainFields,
  plainObservation,
  type PlainFields,
} from './fast/plain-fields.js';
import { addTime } from '../core/time-span.js';
import { LINE_ANCHOR, LINE_EMPTY, LINE_READ, META, META_WIDTH } from './fast/native-scan.js';
import { BlockScanner } from './fast/anchor-scan.js';
import { SkeletonReader } from './fast/skeleton-reader.js';
import { isLineError, type LineResult } from './types.js';
import { checkObservation, udpSkipped } from '../core/values.js';
import type { BlockResult, PlainColsBlock } from './block-result.js';
import { copyNativePlainCols, pushPlainCols, sharedEmptyEvidence } from './transport/plain-columns.js';

export interface ProcessOptions {
  judge: Judge;
  /** Anchor cores (see anchorCores): a line with none of them cannot be Exchange; null = no pre-filter. */
  prefilter: string[] | null;
  exchangeOnly: boolean;
  /** Keep the observation (with its raw record) next to each host record judged in full. */
  keepObservations: boolean;
  /** For sources without a time (plain CSV): when the data was ingested. */
  defaultTimestamp: string;
  /** Worker threads: pass plain records read by the fast path as plain columns (see transport/plain-columns.ts) to cut transfer cost. */
  compact?: boolean;
  /** Count plain (pre-filtered) records that carry a country and an ASN by country, ASN and organisation instead of passing them on. */
  tallyPlain?: boolean;
}

/** The record a judge gives an observation without any Exchange marker (`evidence`: shared, frozen; see sharedEmptyEvidence). */
export function notExchangeRecord(obs: Observation, evidence: Evidence): HostRecord {
  // properties set one by one: object spreads are slow on this per-record path
  const record: HostRecord = {
    ip: obs.ip,
    port: obs.port,
    source: obs.source,
    timestamp: obs.timestamp,
    status: obs.status === 'ok' ? 'not-exchange' : obs.status,
    isExchange: false,
    suspect: false,
    evidence,
    classification: null,
  };
  if (obs.hostname) record.hostname = obs.hostname;
  if (obs.statusDetail) record.statusDetail = obs.statusDetail;
  if (obs.geo) record.geo = obs.geo;
  if (obs.asn) record.asn = obs.asn;
  return record;
}

/** Each call gives a Uint8Array with its own memory: transferable to another thread. */
const utf8Encoder = new TextEncoder();

export class RecordProcessor {
  private readonly parseLine: (text: string) => LineResult;
  /** The reader's fast path for plain records, when it declares one and the pre-filter is on. */
  private readonly fast: FastReader | null;
  /** Fields of records the native reader read (loaded one at a time). */
  private readonly nativeFields: PlainFields = newPlainFields();
  private readonly source: Detected['format'];
  /** Built on the first block, which steers the scanner's choice of byte pairs. */
  private scanner: BlockScanner | null | undefined;
  /** What the judge says about an observation with nothing in it: the pre-filtered records' evidence. */
  private readonly emptyEvidence: Evidence;
  private readonly sharedEvidence: Evidence;
  /** Field role of each scanner pattern, for the native reader of the fast path. */
  private roles: Int32Array | undefined;
  private readonly tally: PlainTally;
  /** Reader of the stored source line (line formats). */
  private readonly lineReader: string | null;
  /** The block being read may go through the fast path (see addLines). */
  private fastBlock = false;
  /** Reads a line's skeleton, and maps it (see addParsed); null: parse lines in full. */
  private readonly skeleton: { reader: SkeletonReader; map(value: unknown): LineResult } | null;

  constructor(
    detected: Detected,
    private readonly opts: ProcessOptions,
  ) {
    const reader = readerFor(detected);
    this.parseLine = reader.kind === 'lines' ? reader.parseLine : () => [];
    this.fast =
      reader.kind === 'lines' && reader.fastPath && opts.prefilter !== null ? reader.fastPath() : null;
    this.source = detected.format;
    this.tally = new PlainTally(detected.format);
    this.lineReader = lineReaderKey(detected);
    // only where each record keeps its source line (see addParsed), never its partial `raw`
    const skeleton = reader.kind === 'lines' && this.lineReader !== null ? reader.skeleton : undefined;
    const skeletonReader = skeleton ? SkeletonReader.create(skeleton.tree) : null;
    this.skeleton = skeletonReader ? { reader: skeletonReader, map: skeleton!.map } : null;
    this.emptyEvidence = opts.judge({
      ip: '192.0.2.1',
      port: 0,
      timestamp: '',
      source: detected.format,
      status: 'ok',
      http: [],
    }).evidence;
    this.sharedEvidence = sharedEmptyEvidence(this.emptyEvidence);
  }

  /** Judges observations read by a stream reader (no raw line to pre-filter). */
  addObservations(obs: Observation[], out: BlockResult, line: number): void {
    for (const o of obs) this.add(o, true, out, line);
  }

  /** Processes every line of a block; `base` = line number before the block. Returns lines seen. */
  addLines(block: Buffer, base: number, out: BlockResult): number {
    if (this.scanner === undefined) this.scanner = this.makeScanner(block);
    const scanner = this.scanner;
    // A NUL byte is no JSON text: the fast paths (which read bytes as text) leave such a block to the parser.
    this.fastBlock = this.fast !== null && block.indexOf(0) < 0;
    if (this.fastBlock && this.fast?.native && scanner?.isNative)
      return this.takeTally(this.addLinesNative(scanner, block, base, out), out);
    const hits = scanner ? scanner.scanBlock(block, 0, block.length) : 0;
    let h = 0;
    let line = base;
    let start = 0;
    while (start < block.length) {
      let nl = block.indexOf(10, start);
      if (nl < 0) nl = block.length;
      line++;
      // hits come in line order: this line's are the run that starts before its end
      const h0 = h;
      let anchor = false;
      while (h < hits && scanner!.hitStarts[h]! < nl) {
        if (scanner!.isAnchor(scanner!.hitIds[h]!)) anchor = true;
        h++;
      }
      const stop = nl > start && block[nl - 1] === 13 ? nl - 1 : nl;
      if (stop > start) this.addLine(block, start, stop, line, scanner === null || anchor, h0, h, out);
      start = nl + 1;
    }
    return this.takeTally(line - base, out);
  }

  private takeTally(lines: number, out: BlockResult): number {
    if (this.tally.size > 0) out.plain = this.tally.take();
    return lines;
  }

  /** Counts a plain record when plain records are counted and it has a country and ASN; false = pass it on. */
  private counted(f: PlainFields): boolean {
    if (!this.opts.tallyPlain || !f.country || f.asn < 0 || this.opts.exchangeOnly) return false;
    this.tally.add(f.country, f.asn, f.org);
    return true;
  }

  /** counted() for native plain record `i`, read from its bytes (the caller checked tallyPlain and exchangeOnly). */
  private countedNative(meta: Int32Array, bytes: Uint8Array, i: number): boolean {
    const at = i * META_WIDTH;
    const asn = meta[at + META.asn]!;
    const countryLength = meta[at + META.country + 1]!;
    if (countryLength === 0 || asn < 0) return false;
    this.tally.addBytes(
      bytes,
      meta[at + META.country]!,
      countryLength,
      asn,
      meta[at + META.org]!,
      meta[at + META.org + 1]!,
    );
    return true;
  }

  /** addLines with the fast path's native reader: it reads the lines without anchors itself. */
  private addLinesNative(scanner: BlockScanner, block: Buffer, base: number, out: BlockResult): number {
    const fast = this.fast!;
    this.roles ??= fast.native!.roles(fast.patterns.length + this.opts.prefilter!.length);
    const r = scanner.readPlainLines(block, 0, block.length, this.roles)!;
    const lines = r.lines;
    let read = 0;
    for (let k = 0; k < r.count; k++) {
      const kind = lines[3 * k]!;
      if (kind === LINE_EMPTY) continue;
      if (kind !== LINE_READ)
        this.addParsed(block, lines[3 * k + 1]!, lines[3 * k + 2]!, base + k + 1, kind === LINE_ANCHOR, out);
      else if (r.meta[read * META_WIDTH + META.udp] === 1) {
        // refused as checkObservation refuses it on every other path
        out.problems.push({ line: base + k + 1, reason: udpSkipped(r.meta[read * META_WIDTH + META.port]!) });
        if (this.opts.compact && !this.opts.exchangeOnly)
          (out.plainCols ??= this.newPlainCols(out)).order += 's'; // its columns are skipped
        read++;
      } else if (this.opts.compact) {
        // worker threads: the records cross as the reader wrote them (see copyNativePlainCols)
        out.records++;
        if (this.opts.exchangeOnly) {
          read++;
          continue;
        }
        if (!out.plainCols) out.plainCols = this.newPlainCols(out);
        // 's': counted, not passed on
        const counted = this.opts.tallyPlain && this.countedNative(r.meta, r.out, read);
        if (!counted) out.lines.push(base + k + 1);
        out.plainCols.order += counted ? 's' : 'l';
        read++;
      } else {
        const f = loadNativeFields(r.meta, r.out, read++, this.nativeFields);
        if (this.counted(f)) out.records++;
        else this.add(plainObservation(f, this.source), false, out, base + k + 1);
      }
    }
    addNativeTimes(out.span, r.meta, r.out, read);
    if (out.plainCols && !out.plainCols.order.includes('l'))
      delete out.plainCols; // every one counted: nothing to send
    else if (out.plainCols && this.opts.compact)
      out.plainCols.bin = copyNativePlainCols(r.meta, r.out, read, this.opts.defaultTimestamp);
    return r.count;
  }

  private makeScanner(sample: Buffer): BlockScanner | null {
    const cores = this.opts.prefilter;
    if (cores === null) return null;
    const anchors = cores.map((text) => ({ text, exact: false }));
    return new BlockScanner(
      this.fast ? [...this.fast.patterns, ...anchors] : anchors,
      sample.subarray(0, 1 << 20),
    );
  }

  private addLine(
    block: Buffer,
    start: number,
    stop: number,
    line: number,
    mayMatch: boolean,
    h0: number,
    h1: number,
    out: BlockResult,
  ): void {
    const f =
      !mayMatch && this.fast && this.fastBlock
        ? this.fast.read(block, start, stop, this.scanner!, h0, h1)
        : null;
    if (f) {
      addTime(out.span, f.timestamp);
      if (this.counted(f)) out.records++;
      else if (this.opts.compact) this.addPlainCols(f, out, line);
      else this.add(plainObservation(f, this.source), false, out, line);
      return;
    }
    this.addParsed(block, start, stop, line, mayMatch, out);
  }

  /** Parses a line in full; judges its records when it may match (or a record reports a build). */
  private addParsed(
    block: Buffer,
    start: number,
    stop: number,
    line: number,
    mayMatch: boolean,
    out: BlockResult,
  ): void {
    if (block[start] === 0) {
      out.problems.push({ line, reason: block.toString('utf8', start + 1, stop) }); // an oversized line lineBlocks dropped
      return;
    }
    // The skeleton of a line (when the reader declares one): what the mapper reads, no more. It
    // gives one record, or none (an error), and no NUL byte: the line is the record's own source
    // (below), so add() keeps the line, never the observation with its partial `raw`.
    const value = this.skeleton?.reader.read(block, start, stop);
    let r = value ? this.skeleton!.map(value) : undefined;
    if (r && !isLineError(r) && r.length !== 1) r = undefined; // (a mapper that made more: parse it all)
    const text = r ? undefined : block.toString('utf8', start, stop);
    r ??= this.parseLine(text!);
    if (isLineError(r)) {
      out.problems.push({ line, reason: r.error });
      return;
    }
    // A line that gave one record is that record's whole source: add() may keep it instead of the
    // observation (not a line with a NUL byte, which PostgreSQL text cannot hold: the JSON escapes it).
    const own = r.length === 1 && this.lineReader !== null && (text === undefined || !text.includes('\0'));
    for (const o of r)
      this.add(
        o,
        mayMatch || o.reported !== undefined,
        out,
        line,
        own ? { block, start, stop, text } : undefined,
      );
  }

  private add(
    obs: Observation,
    judge: boolean,
    out: BlockResult,
    lineNo: number,
    line?: { block: Buffer; start: number; stop: number; text: string | undefined },
  ): void {
    // validated and normalised here, once, whichever reader and path it came from
    const bad = checkObservation(obs);
    if (bad) {
      if ('reject' in bad) {
        out.problems.push({ line: lineNo, reason: bad.reject });
        return;
      }
      out.problems.push({ line: lineNo, reason: bad.note });
    }
    if (obs.timestamp === '') obs.timestamp = this.opts.defaultTimestamp;
    else addTime(out.span, obs.timestamp);
    out.records++;
    const record = judge ? this.opts.judge(obs) : notExchangeRecord(obs, this.sharedEvidence);
    if (record.isExchange) out.exchange++;
    if (record.suspect) out.suspect++;
    if (this.opts.exchangeOnly && !record.isExchange && !record.suspect) return;
    if (!judge || !this.opts.keepObservations) out.hosts.push({ record });
    else if (line) {
      // its source line (see stored-line.ts); worker threads take its bytes (a view of the block: the
      // worker copies them once, to move them between threads)
      const text = this.opts.compact
        ? line.block.subarray(line.start, line.stop)
        : (line.text ?? line.block.toString('utf8', line.start, line.stop));
      out.hosts.push({ record, observation: { kind: 'line', reader: this.lineReader!, text } });
    }
    // worker threads send the observation as JSON text: encoded in parallel, a cheap copy between threads
    else
      out.hosts.push({
        record,
        observation: this.opts.compact
          ? { kind: 'json', json: utf8Encoder.encode(JSON.stringify(obs)) }
          : { kind: 'object', observation: obs },
      });
    out.lines.push(lineNo);
    if (out.plainCols) out.plainCols.order += 'f';
  }

  /** A plain record read by the fast path, as plain columns. */
  private addPlainCols(f: PlainFields, out: BlockResult, line: number): void {
    out.records++;
    if (this.opts.exchangeOnly) return;
    if (!out.plainCols) out.plainCols = this.newPlainCols(out);
    out.lines.push(line);
    pushPlainCols(out.plainCols.cols, f, f.timestamp || this.opts.defaultTimestamp);
    out.plainCols.order += 'l';
  }

  private newPlainCols(out: BlockResult): PlainColsBlock {
    return {
      cols: [],
      order: 'f'.repeat(out.hosts.length),
      evidence: this.emptyEvidence,
      source: this.source,
    };
  }
}
