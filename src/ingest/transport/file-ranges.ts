// Parallel reading of one plain (not compressed) regular file: the file is cut into byte ranges
// and each worker thread reads its ranges itself with positioned reads into one reused buffer.
// The main thread then never copies or transfers the bulk bytes. A range owns exactly the lines
// that start inside it: it skips the partial line it begins in (the previous range owns it) and
// reads past its end to finish its own last line. Line numbers stay file-wide because ranges are
// handed back in order with their line counts.
import { readSync } from 'node:fs';
import { MAX_LINE_BYTES, skippedLine } from '../lines.js';

const NL = 0x0a;

/** Lines starting in [offset, offset + length) of the file. */
export interface FileRange {
  offset: number;
  length: number;
}

/** Ranges of `rangeBytes` covering [from, size). */
export function* fileRanges(from: number, size: number, rangeBytes: number): Generator<FileRange> {
  for (let offset = from; offset < size; offset += rangeBytes)
    yield { offset, length: Math.min(rangeBytes, size - offset) };
}

/**
 * Reads ranges of one file into a buffer it reuses; one per worker thread. The descriptor belongs
 * to the caller (descriptors are process-wide: the thread that opened it closes it).
 */
export class RangeReader {
  private buf: Buffer = Buffer.allocUnsafe(0);

  constructor(
    private readonly fd: number,
    private readonly size: number,
    /** Where the first range's content starts (3 past a UTF-8 byte order mark). */
    private readonly contentStart: number,
    private readonly maxLine = MAX_LINE_BYTES,
  ) {}

  /**
   * The whole lines the range owns, as a view of the reused buffer (valid until the next call).
   * A line longer than MAX_LINE_BYTES becomes a placeholder line that the processor reports (the
   * bound is checked while reading past the range's end: ranges are far shorter than it).
   */
  read(range: FileRange): Buffer {
    const { offset, length } = range;
    const lo = offset <= this.contentStart ? this.contentStart : offset - 1;
    const hi = Math.min(this.size, offset + length);
    let n = this.fill(0, lo, hi - lo);
    let start = 0;
    if (offset > this.contentStart) {
      // the byte before the range: a newline there means a line starts at `offset`
      const nl = this.buf.subarray(0, n).indexOf(NL);
      if (nl < 0) return this.buf.subarray(0, 0); // the range lies inside one line begun earlier
      start = nl + 1;
    }
    if (start >= n || this.buf[n - 1] === NL || lo + n >= this.size) return this.buf.subarray(start, n);
    // finish the last line past the range's end
    const lastStart = this.buf.subarray(start, n).lastIndexOf(NL) + 1 + start;
    for (;;) {
      const at = lo + n;
      if (at >= this.size) return this.buf.subarray(start, n);
      const got = this.fill(n, at, Math.min(64 * 1024, this.size - at));
      if (got === 0) return this.buf.subarray(start, n);
      const nl = this.buf.subarray(n, n + got).indexOf(NL);
      n += got;
      if (nl >= 0) {
        const end = n - got + nl;
        return end - lastStart > this.maxLine
          ? this.placeholder(start, lastStart, end - lastStart)
          : this.buf.subarray(start, end + 1);
      }
      if (n - lastStart > this.maxLine)
        return this.placeholder(start, lastStart, n - lastStart + this.skipRest(lo + n));
    }
  }

  /** Bytes from file position `pos` up to the next newline (or the end), read past unkept. */
  private skipRest(pos: number): number {
    const scratch = Buffer.allocUnsafe(64 * 1024);
    let skipped = 0;
    while (pos < this.size) {
      const got = readSync(this.fd, scratch, 0, Math.min(scratch.length, this.size - pos), pos);
      if (got === 0) break;
      const nl = scratch.subarray(0, got).indexOf(NL);
      if (nl >= 0) return skipped + nl;
      skipped += got;
      pos += got;
    }
    return skipped;
  }

  /** The lines before an oversized one, then a placeholder line standing for it. */
  private placeholder(start: number, lastStart: number, skipped: number): Buffer {
    const mark = skippedLine(this.maxLine, skipped);
    return Buffer.concat([this.buf.subarray(start, lastStart), mark]);
  }

  /** Reads `len` bytes at file position `pos` into the buffer at `at` (growing it); returns bytes read. */
  private fill(at: number, pos: number, len: number): number {
    if (this.buf.length < at + len) {
      const grown = Buffer.allocUnsafe(Math.max(at + len, this.buf.length * 2));
      this.buf.copy(grown, 0, 0, at);
      this.buf = grown;
    }
    let n = 0;
    while (n < len) {
      const got = readSync(this.fd, this.buf, at + n, len - n, pos + n);
      if (got === 0) break;
      n += got;
    }
    return n;
  }
}
