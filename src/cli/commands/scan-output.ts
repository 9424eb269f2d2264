// Where `scan` writes its records: the --resume file it appends to, or -o / stdout.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { CommandContext } from '../args.js';
import { openOutput, type OutputHandle } from '../io.js';

/** With --resume FILE and no other -o, new records are appended to that file. */
export function openScanOutput(
  ctx: CommandContext,
  outPath: string | undefined,
  resumePath: string | undefined,
  needsNewline: boolean,
  db: string | null | undefined,
): OutputHandle {
  if (resumePath && (outPath === undefined || outPath === resumePath)) {
    const stream = createWriteStream(resumePath, { flags: 'a' });
    if (needsNewline) stream.write('\n');
    return {
      stream,
      close: async () => {
        stream.end();
        await once(stream, 'finish');
      },
      discard: async () => {
        stream.end();
        await once(stream, 'finish');
      },
    };
  }
  return openOutput(outPath, ctx.stdout, db);
}
