// Writing text lines to a stream with back-pressure; shared by every command's output.
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Writes a line, waiting for 'drain' when the stream asks to. */
export async function writeLine(stream: Writable, line: string): Promise<void> {
  if (!stream.write(line + '\n')) await once(stream, 'drain');
}
