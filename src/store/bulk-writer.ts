// A database's own way of taking bulk writes, beside the calling connection: the store asks it
// before each batch and hands it the batches it takes. Drivers that have none write every batch
// on the calling connection. The SQLite file implementation is sqlite/file-writes.ts.
import type { SplitBatch } from './host-batch.js';
import type { TallyStatement } from './cube-tally.js';
import type { RefusedRecord } from './store.js';

export interface CountedCubes {
  /** Committed writes counted; equal to the scan's data_version when every write was counted. */
  writes: number;
  statements: TallyStatement[];
}

export interface BulkWriter {
  /**
   * Takes the scan's batches when the first one is large enough (decided once per scan: one scan
   * never mixes the two paths). `size`: the batch's records.
   */
  takes(scanId: number, size: number): boolean;
  /** Whether it took the scan (without deciding it). */
  took(scanId: number): boolean;
  /**
   * Writes a batch of a scan it takes; resolves once committed, with the records the database
   * refused (the rest stored: batch-retry.ts). `track`: count the scan's cubes.
   */
  write(scanId: number, track: boolean, batch: SplitBatch): Promise<RefusedRecord[]>;
  /** The cubes it counted for a scan it takes; null when it could not count every write. */
  counted(scanId: number): Promise<CountedCubes | null>;
  /** Before a batch is written on the calling connection. */
  beforeLocalWrite(): Promise<void>;
  /** After a batch of about `bytes` was committed on the calling connection. */
  afterLocalWrite(bytes: number): void;
  close(): Promise<void>;
}
