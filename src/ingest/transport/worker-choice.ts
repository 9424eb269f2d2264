// How many worker threads `--workers auto` starts for one input. Threads cost each one its start
// (modules, knowledge base, rules) and a share of the replies' copying, so they pay off only where
// there is much to judge: a big file; or, when the calling thread stores what it receives, a
// smaller one whose records are mostly candidates for the rules (an export of an Exchange query):
// one worker then judges while the calling thread stores; or, when nothing is stored and every
// record is printed as text (IngestOptions.hostText), one with many records to judge: two workers
// then send text, which costs the calling thread next to nothing. Such a file is found by a sample
// of its bytes: the lines holding an anchor (see fast/prefilter.ts) are parsed and judged in full.
// (Two workers that send records when nothing is stored cost more CPU, the calling thread rebuilding
// every record, and were not faster on a shared machine: docs/ingest-exchange-heavy.md.)
import { readSync } from 'node:fs';

/** From this size on, threads pay off whatever the share of records to judge. */
export const AUTO_WORKERS_BYTES = 256 * 1024 * 1024;
/** Below AUTO_WORKERS_BYTES: records with an anchor the file must hold, by the sample's estimate. */
export const AUTO_WORKERS_ANCHORED = 8000;
/** Below AUTO_WORKERS_BYTES, printing text and storing nothing: records with an anchor for two threads. */
export const AUTO_TEXT_ANCHORED = 20000;
/** Bytes sampled, in SAMPLE_PIECES pieces spread over the file. */
const SAMPLE_BYTES = 1024 * 1024;
const SAMPLE_PIECES = 4;

export interface WorkerChoice {
  /** Size on disk; undefined for a pipe. */
  size: number | undefined;
  gzip: boolean;
  cores: number;
  /** Estimated records with an anchor in the whole file (asked only for a small plain file). */
  anchored: () => number | Promise<number>;
  /**
   * The calling thread stores what it receives: its own work per record is then as large as a
   * worker's judging, so one worker beside it halves the work on the longest thread.
   */
  storing: boolean;
  /**
   * Nothing is stored and every record is printed as text (IngestOptions.hostText): threads send the
   * text, which costs the calling thread next to nothing, so two threads judge while it writes.
   */
  texts?: boolean;
}

export async function autoWorkerCount(c: WorkerChoice): Promise<number> {
  if (c.size === undefined || c.cores < 1) return 0;
  if (c.size * (c.gzip ? 5 : 1) >= AUTO_WORKERS_BYTES) return Math.min(2, c.cores);
  if (!(c.storing || c.texts) || c.gzip || c.cores < 2) return 0;
  const anchored = await c.anchored();
  if (c.storing) return anchored >= AUTO_WORKERS_ANCHORED ? 1 : 0;
  return anchored >= AUTO_TEXT_ANCHORED ? 2 : 0;
}

/**
 * Records with an anchor in the file `fd` (`size` bytes from `from`), estimated from whole lines of
 * pieces spread over it: anchored lines per sampled byte times the size. `cores`: the anchor cores,
 * lower case, "_" written "-" (as anchorCores gives them); matched as the pre-filter matches them.
 */
export function estimateAnchored(fd: number, from: number, size: number, cores: string[]): number {
  const span = size - from;
  if (span <= 0 || cores.length === 0) return 0;
  const piece = Math.min(span, Math.ceil(SAMPLE_BYTES / SAMPLE_PIECES));
  const buf = Buffer.allocUnsafe(piece);
  let bytes = 0;
  let anchored = 0;
  for (let k = 0; k < SAMPLE_PIECES; k++) {
    const at = from + Math.floor(((span - piece) * k) / Math.max(1, SAMPLE_PIECES - 1));
    const n = readSync(fd, buf, 0, piece, at);
    // whole lines only: after the first newline (unless at the start), up to the last one
    const first = at === from ? 0 : buf.subarray(0, n).indexOf(10) + 1;
    const last = buf.subarray(0, n).lastIndexOf(10);
    if (first <= 0 && at !== from) continue;
    if (last < first) continue;
    const text = buf.toString('latin1', first, last).toLowerCase().replace(/_/g, '-');
    for (const line of text.split('\n')) if (cores.some((c) => line.includes(c))) anchored++;
    bytes += last + 1 - first;
    if (piece >= span) break; // the whole file was read
  }
  return bytes === 0 ? 0 : Math.round((anchored * span) / bytes);
}
