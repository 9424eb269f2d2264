// What one block of input lines gives (host records, problems, counts, the records' time span), and
// how a block's records, plain ones sent as columns by worker threads included, are put back in order.
import type { ObservationSource } from '../core/observation.js';
import type { Evidence } from '../core/evidence.js';
import type { EncodedHost, StoredHost } from '../store/index.js';
import type { PlainCount } from './fast/plain-tally.js';
import type { EncodedCols } from './transport/encoded-columns.js';
import type { HostLines } from './host-text.js';
import { emptySpan, type TimeBounds, type TimeSpan } from '../core/time-span.js';
import {
  PLAIN_COLS_WIDTH,
  nativePlainColsRecord,
  plainColsRecord,
  sharedEmptyEvidence,
  type NativePlainCols,
  type PlainCols,
} from './transport/plain-columns.js';

/** Sniffed records in transit between threads; expandHosts merges them back in input order. */
export interface PlainColsBlock {
  cols: PlainCols;
  /** One character per output record: "l" = next plain record in columns, "f" = next of `hosts`. */
  order: string;
  /** The evidence pre-filtered records get. */
  evidence: Evidence;
  /** The format the records came from. */
  source: ObservationSource;
  /** Set when the plain records came from the native reader: then they are here, not in `cols`. */
  bin?: NativePlainCols;
}

export interface BlockResult {
  hosts: Array<StoredHost | EncodedHost>;
  plainCols?: PlainColsBlock;
  problems: Array<{ line: number; reason: string }>;
  /** The line of each record expandHosts gives, in its order (a store that refuses one names it). */
  lines: number[];
  /** Plain records counted rather than passed on (ProcessOptions.tallyPlain). */
  plain?: PlainCount[];
  /** Worker threads: encoded records taken out of `hosts` as columns (mergeEncodedCols puts them back). */
  encodedCols?: EncodedCols;
  /** Worker threads (IngestOptions.hostText): the block's records written as text; `hosts` and `plainCols` are then empty. */
  text?: HostLines;
  /** Records (observations) seen, including those --exchange-only dropped. */
  records: number;
  exchange: number;
  suspect: number;
  /** Earliest and latest of the records' own times (every record, counted and dropped ones too). */
  span: TimeSpan;
}

export function newBlockResult(bounds?: TimeBounds): BlockResult {
  return {
    hosts: [],
    problems: [],
    lines: [],
    records: 0,
    exchange: 0,
    suspect: 0,
    span: emptySpan(bounds),
  };
}

/** Host records of a block, with plain records in columns (from worker threads) merged back in order. */
export function expandHosts(r: BlockResult): Array<StoredHost | EncodedHost> {
  const cols = r.plainCols;
  if (!cols) return r.hosts;
  const out: Array<StoredHost | EncodedHost> = [];
  const evidence = sharedEmptyEvidence(cols.evidence);
  let f = 0;
  let l = 0;
  for (let k = 0; k < cols.order.length; k++) {
    const c = cols.order.charCodeAt(k);
    if (c === 102)
      out.push(r.hosts[f++]!); // f: a record in full
    else if (c === 115)
      l++; // s: a native plain record that was counted, not passed on
    else if (cols.bin) out.push({ record: nativePlainColsRecord(cols.bin, l++, evidence, cols.source) });
    else {
      out.push({ record: plainColsRecord(cols.cols, l, evidence, cols.source) });
      l += PLAIN_COLS_WIDTH;
    }
  }
  return out;
}
