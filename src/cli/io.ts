// Output/input plumbing for commands: "-" means stdin/stdout, -o FILE writes a file.
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
export { writeLine } from '../core/write-line.js';

export interface OutputHandle {
  stream: Writable;
  /** Flushes and closes a file; leaves stdout open. */
  close(): Promise<void>;
}

export function openOutput(path: string | undefined, stdout: Writable): OutputHandle {
  if (path === undefined || path === '-') {
    return { stream: stdout, close: async () => {} };
  }
  const stream = createWriteStream(path);
  return {
    stream,
    close: async () => {
      stream.end();
      await once(stream, 'finish');
    },
  };
}
