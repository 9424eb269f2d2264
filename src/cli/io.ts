// Output/input plumbing for commands: "-" means stdin/stdout, -o FILE writes a file (through a
// temporary file renamed when complete, and never onto the store in use).
import type { Writable } from 'node:stream';
import { createOutputFile, refuseStoreAsOutput } from '../core/output-file.js';
export { writeLine } from '../core/write-line.js';
export { refuseStoreAsOutput } from '../core/output-file.js';

export interface OutputHandle {
  stream: Writable;
  /** Flushes and closes a file (renamed onto its name); leaves stdout open. */
  close(): Promise<void>;
  /** Drops a file not yet closed (its destination stays as it was). */
  discard(): Promise<void>;
}

/**
 * `store`: the --db of the command, when it has one: an output there is refused (exit 2).
 * `what`: the option that named the file, for that message.
 */
export function openOutput(
  path: string | undefined,
  stdout: Writable,
  store?: string | null,
  what = '-o',
): OutputHandle {
  if (path === undefined || path === '-') {
    return { stream: stdout, close: async () => {}, discard: async () => {} };
  }
  refuseStoreAsOutput(path, store, what);
  const file = createOutputFile(path);
  return { stream: file.stream, close: () => file.commit(), discard: () => file.discard() };
}
