// Worker thread for line-oriented inputs: receives blocks of whole lines (transferred, not
// copied) and returns one compact result per block: judged records, plus plain ones as columns.
import { parentPort, workerData } from 'node:worker_threads';
import type { Detected } from '../detect.js';
import { RecordProcessor } from '../process.js';
import { expandHosts, newBlockResult, type BlockResult } from '../block-result.js';
import { finalHostLines, type HostText } from '../host-text.js';
import { anchorCores } from '../fast/prefilter.js';
import { createJudge, type RuleDefs } from '../judge-context.js';
import { useKnowledgeBase } from '../../kb/load.js';
import { RangeReader, type FileRange } from './file-ranges.js';
import { encodeHost, isEncoded } from '../../store/encoded-host.js';
import type { EncodedHost, ObservationRef, StoredHost } from '../../store/store.js';
import { completeFromSource } from '../../geo/countries.js';
import { takeEncodedCols } from './encoded-columns.js';
import type { TimeBounds } from '../../core/time-span.js';

export interface WorkerInit {
  detected: Detected;
  asOf: string;
  exchangeOnly: boolean;
  keepObservations: boolean;
  defaultTimestamp: string;
  prefilter: boolean;
  tallyPlain: boolean;
  /** See IngestOptions.encodedColumns. */
  encodedColumns: boolean;
  /** See IngestOptions.timeBounds. */
  timeBounds?: TimeBounds;
  /** The knowledge base the calling thread judges with (its choice, useKnowledgeBase, holds per thread). */
  kbDir: string;
  /** See IngestOptions.hostText. */
  hostText?: HostText;
  /** The calling thread's rule definitions (else each worker reads the rule files). */
  rules?: RuleDefs;
  /** Set when the workers read a regular file themselves, by ranges. */
  file?: { fd: number; size: number; contentStart: number };
}
/** A block of whole lines (transferred), or a range of `init.file` to read. */
export interface WorkerJob {
  seq: number;
  block?: Uint8Array;
  range?: FileRange;
}
export interface WorkerReply {
  seq: number;
  lines: number;
  /** Its hosts' classifications left out: the receiver fills them in again (classifyEvidence). */
  result: BlockResult;
}

const init = workerData as WorkerInit;
useKnowledgeBase(init.kbDir);
const { judge, anchors } = createJudge(init.asOf, init.rules);
const processor = new RecordProcessor(init.detected, {
  judge,
  prefilter: init.prefilter ? anchorCores(anchors) : null,
  exchangeOnly: init.exchangeOnly,
  keepObservations: init.keepObservations,
  defaultTimestamp: init.defaultTimestamp,
  compact: true,
  tallyPlain: init.tallyPlain,
});

const ranges = init.file ? new RangeReader(init.file.fd, init.file.size, init.file.contentStart) : null;

parentPort!.on('message', (job: WorkerJob) => {
  const out = newBlockResult(init.timeBounds);
  const buf =
    job.range && ranges
      ? ranges.read(job.range)
      : Buffer.from(job.block!.buffer, job.block!.byteOffset, job.block!.byteLength);
  const lines = processor.addLines(buf, 0, out);
  // records final here cross as the text the caller prints (their classification still in place)
  const text = init.hostText ? finalHostLines(init.hostText, expandHosts(out)) : null;
  if (text) {
    out.text = text;
    out.hosts = [];
    delete out.plainCols;
  }
  // A classification follows from the evidence, knowledge base and date alone: the receiving thread
  // derives the same shared object again (measured: cloning every CVE verdict of every record, and
  // collecting the clones, cost that thread more than the derivation).
  out.hosts = out.hosts.map((h) => {
    if (isEncoded(h)) return h;
    const r = h.record;
    // Records the store keeps with their observation are encoded here (the store's encodeHost), in
    // parallel, when nothing on the way changes them: the source gave their geo and network
    // (completeFromSource: what the recorder would do, done here). The classification's fields are
    // not part of the encoding.
    const ref = h.observation;
    const encode =
      init.keepObservations && (ref?.kind === 'line' || ref?.kind === 'json') && completeFromSource(r);
    r.classification = null;
    return encode ? encodeHost(h) : h;
  });
  // with encodedColumns, encoded records cross as columns, their evidence cut to what the store
  // reads besides their JSON (see encoded-columns.ts)
  const taken = init.encodedColumns ? takeEncodedCols(out.hosts) : null;
  if (taken) {
    out.hosts = taken.rest;
    out.encodedCols = taken.cols;
  }
  const reply: WorkerReply = { seq: job.seq, lines, result: out };
  // moved, not copied: plain columns, and observations already encoded as bytes (JSON or source lines)
  const transfer: ArrayBuffer[] = [];
  const bin = out.plainCols?.bin;
  if (bin) transfer.push(bin.meta.buffer as ArrayBuffer, bin.out.buffer as ArrayBuffer);
  if (out.encodedCols) transfer.push(out.encodedCols.bytes.buffer as ArrayBuffer);
  out.hosts = out.hosts.map((h) => {
    const bytes = observationBytes(h);
    if (!bytes) return h;
    // JSON bytes have a buffer of their own; a source line is a view of the block just read (which
    // the next read may reuse): copied to move it
    if (!isLine(h)) {
      transfer.push(bytes.buffer as ArrayBuffer);
      return h;
    }
    const own = new Uint8Array(bytes);
    transfer.push(own.buffer);
    if (isEncoded(h)) return { ...h, observation: own };
    return {
      record: h.record,
      observation: { kind: 'line', reader: (h.observation as LineRef).reader, text: own },
    };
  });
  parentPort!.postMessage(reply, transfer);
});

type LineRef = Extract<ObservationRef, { kind: 'line' }>;

function observationBytes(h: StoredHost | EncodedHost): Uint8Array | null {
  const o = isEncoded(h)
    ? h.observation
    : h.observation?.kind === 'line'
      ? h.observation.text
      : h.observation?.kind === 'json'
        ? h.observation.json
        : null;
  return o instanceof Uint8Array ? o : null;
}

function isLine(h: StoredHost | EncodedHost): boolean {
  return isEncoded(h) ? h.reader !== null : h.observation?.kind === 'line';
}
