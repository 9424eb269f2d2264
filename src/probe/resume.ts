// --resume: the JSON Lines output of an earlier run says which ip:port targets are done.
import { createReadStream, existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { targetKey } from '../core/ip.js';

export interface ResumeState {
  done: Set<string>;
  /** Lines that were not a host record (e.g. cut off by the interruption), by line number. */
  badLines: number[];
  /** The file does not end with a newline: the next append must start a new line. */
  needsNewline: boolean;
}

export async function readResumeFile(path: string): Promise<ResumeState> {
  const state: ResumeState = { done: new Set(), badLines: [], needsNewline: false };
  if (!existsSync(path)) return state;
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    n++;
    if (line.trim() === '') continue;
    try {
      const v = JSON.parse(line) as { ip?: unknown; port?: unknown };
      if (typeof v.ip === 'string' && v.ip !== '' && typeof v.port === 'number')
        state.done.add(targetKey(v.ip, v.port));
      else state.badLines.push(n);
    } catch {
      state.badLines.push(n);
    }
  }
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    if (size > 0) {
      const last = Buffer.alloc(1);
      await fh.read(last, 0, 1, size - 1);
      state.needsNewline = last[0] !== 0x0a;
    }
  } finally {
    await fh.close();
  }
  return state;
}
