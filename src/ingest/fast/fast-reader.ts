// What a line format may declare to make its plain records cheap: the byte patterns of its keys
// (found by the same block scan as the pre-filter's anchors) and a reader of a plain record's few
// fields from its bytes, with an optional native version. The record processor uses whatever a
// reader declares and never asks which format it is.
import type { BlockScanner, ScanPattern } from './anchor-scan.js';
import type { PlainFields } from './plain-fields.js';

export interface FastReader {
  /** Patterns the block scanner looks for besides the anchors; theirs are the first ids. */
  readonly patterns: readonly ScanPattern[];
  /**
   * The fields of the line at bytes [start, end) of `buf`, from the key hits h0..h1-1 `scanner`
   * found in it; null when anything is unusual (the line is then parsed in full). The object
   * returned is reused by the next call.
   */
  read(
    buf: Buffer,
    start: number,
    end: number,
    scanner: BlockScanner,
    h0: number,
    h1: number,
  ): PlainFields | null;
  /** The native addon reads the same fields itself when it has a reader for this format (see readPlainLines). */
  readonly native?: {
    /** Field role of each of `patterns` scanner patterns (the anchors after this reader's own: -1). */
    roles(patterns: number): Int32Array;
  };
}

/** A fresh fast reader (each record processor has its own: a reader keeps state between calls). */
export type FastPath = () => FastReader;
