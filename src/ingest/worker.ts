// Worker thread for line-oriented inputs: receives blocks of whole lines (transferred, not
// copied) and returns one compact result per block: judged records, plus sniffed ones as columns.
import { parentPort, workerData } from 'node:worker_threads';
import type { Detected } from './detect.js';
import { RecordProcessor, newBlockResult, type BlockResult } from './process.js';
import { anchorCores } from './prefilter.js';
import { createJudge } from './judge-context.js';
import { RangeReader, type FileRange } from './file-ranges.js';
import { hostRecordToWire } from '../core/wire.js';
import { hasSourceGeoAndNetwork, withContinent } from '../geo/countries.js';
import { takeSlim } from './slim-columns.js';

export interface WorkerInit {
  detected: Detected;
  asOf: string;
  exchangeOnly: boolean;
  keepObservations: boolean;
  defaultTimestamp: string;
  prefilter: boolean;
  tallyPlain: boolean;
  /** See IngestOptions.slimRecords. */
  slimRecords: boolean;
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
const { judge, anchors } = createJudge(init.asOf);
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
  const out = newBlockResult();
  const buf =
    job.range && ranges
      ? ranges.read(job.range)
      : Buffer.from(job.block!.buffer, job.block!.byteOffset, job.block!.byteLength);
  const lines = processor.addLines(buf, 0, out);
  // A classification follows from the evidence, knowledge base and date alone: the receiving thread
  // derives the same shared object again (measured: cloning every CVE verdict of every record, and
  // collecting the clones, cost that thread more than the derivation).
  for (const h of out.hosts) {
    const r = h.record;
    // Records the store keeps with their observation are encoded here, in parallel, when nothing
    // on the way changes them: the source gave their geo and network (hasSourceGeoAndNetwork: the
    // recorder then only derives a continent, done here the same way). The classification's fields
    // are not part of it.
    if (
      init.keepObservations &&
      (h.observationLine || h.observationJson) &&
      r.geo &&
      hasSourceGeoAndNetwork(r)
    ) {
      r.geo = withContinent(r.geo);
      h.recordJson = JSON.stringify(hostRecordToWire(r, false));
    }
    r.classification = null;
  }
  // with slimRecords, records that have their JSON cross as columns, their evidence cut to what the
  // store reads besides that JSON (see slim-columns.ts)
  const taken = init.slimRecords ? takeSlim(out.hosts) : null;
  if (taken) {
    out.hosts = taken.rest;
    out.slim = taken.slim;
  }
  const reply: WorkerReply = { seq: job.seq, lines, result: out };
  // moved, not copied: lite records, and observations already encoded as bytes (JSON or source lines)
  const transfer: ArrayBuffer[] = [];
  const bin = out.lite?.bin;
  if (bin) transfer.push(bin.meta.buffer as ArrayBuffer, bin.out.buffer as ArrayBuffer);
  if (out.slim) transfer.push(out.slim.bytes.buffer as ArrayBuffer);
  for (const h of out.hosts) {
    const line = h.observationLine;
    if (h.observationJson instanceof Uint8Array) transfer.push(h.observationJson.buffer as ArrayBuffer);
    else if (line && line.text instanceof Uint8Array) {
      // a source line is a view of the block just read (which the next read may reuse): copied to move it
      const own = new Uint8Array(line.text);
      h.observationLine = { reader: line.reader, text: own };
      transfer.push(own.buffer);
    }
  }
  parentPort!.postMessage(reply, transfer);
});
