// Shared shapes of the ingest layer: formats, per-record outcomes and problems.
import type { Observation } from '../core/observation.js';
import type { FastPath } from './fast/fast-reader.js';
import type { SkeletonTree } from './fast/skeleton-reader.js';

export const FORMATS = ['shodan', 'censys', 'zgrab2', 'masscan', 'nmap', 'shadowserver', 'csv'] as const;
export type IngestFormat = (typeof FORMATS)[number];
/** Formats of JSON records: one per line, or a document holding them (array, envelope, pretty-printed). */
export const JSON_RECORD_FORMATS: readonly IngestFormat[] = ['shodan', 'censys', 'zgrab2'];

/** A malformed record: counted and reported, never fatal. Line numbers start at 1. */
export interface Problem {
  file: string;
  line: number;
  reason: string;
}

/** What a reader yields for each record: observations, or the reason it could not be read. */
export type ReadItem = { line: number; observations: Observation[] } | { line: number; error: string };

/** Result of parsing one line of a line-oriented format. */
export type LineResult = Observation[] | { error: string };

/** A format whose records are one per line (NDJSON, masscan -oL): parsable in worker threads. */
export interface LineFormat {
  kind: 'lines';
  /** Returns [] for lines that carry no record (comments, array brackets). */
  parseLine(text: string): LineResult;
  /** Reads plain records' few fields from their bytes instead of parsing them (fast/fast-reader.ts). */
  fastPath?: FastPath;
  /**
   * A JSON line's mapper and the keys it reads: a line may be read as its skeleton (those keys
   * only, fast/skeleton-reader.ts) and mapped, where the observation's `raw` record is never read.
   */
  skeleton?: { tree: SkeletonTree; map(value: unknown): LineResult };
}

/** A format that needs state across lines (XML, CSV headers, pretty-printed JSON). */
export interface StreamFormat {
  kind: 'stream';
  read(chunks: AsyncIterable<Buffer>): AsyncIterable<ReadItem>;
}

export type FormatReader = LineFormat | StreamFormat;

export function isLineError(r: LineResult): r is { error: string } {
  return !Array.isArray(r);
}
