// Reads a file once so that the next tool starts with it in the page cache: this machine's kernel
// evicts cold pages even with memory free, and whichever tool ran first would pay for the disk.
import { closeSync, openSync, readSync } from 'node:fs';

export function warm(path: string): void {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(16 << 20);
  try {
    for (let pos = 0; readSync(fd, buf, 0, buf.length, pos) > 0; pos += buf.length);
  } finally {
    closeSync(fd);
  }
}
