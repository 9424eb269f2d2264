// Line plumbing for line-oriented formats: blocks of whole lines (for worker threads) and a
// per-line walk with 1-based line numbers. Memory stays bounded by the block size.
const NL = 0x0a;
/** A longer line is skipped (and reported) instead of growing memory without bound. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
/** First character of a placeholder line standing for a skipped oversized line. */
export const SKIPPED_LINE_MARK = '\u0000';

/**
 * Memory lineBlocks allocated itself and no longer references once the block is yielded: a
 * consumer may transfer it to another thread instead of copying it.
 */
export const ownedBlockMemory = new WeakSet<ArrayBufferLike>();

/** The placeholder line that stands for a skipped oversized line (the processor reports it). */
export function skippedLine(limit: number, bytes: number): Buffer {
  return Buffer.from(`${SKIPPED_LINE_MARK}line longer than ${limit} bytes (${bytes} bytes) skipped\n`);
}

/** Re-cuts a chunk stream into blocks that end on a newline (the last one may not). */
export async function* lineBlocks(
  chunks: AsyncIterable<Buffer>,
  minBlock = 1024 * 1024,
  /** True when the read was cut short on purpose (a stop): its unfinished last line is no record. */
  cutShort: () => boolean = () => false,
): AsyncGenerator<Buffer> {
  let carry: Buffer[] = [];
  let carryLen = 0;
  let skipping = 0; // bytes of an oversized line dropped so far
  for await (const raw of chunks) {
    let chunk = raw;
    if (skipping > 0) {
      const nl = chunk.indexOf(NL);
      if (nl < 0) {
        skipping += chunk.length;
        continue;
      }
      yield skippedLine(MAX_LINE_BYTES, skipping + nl);
      skipping = 0;
      chunk = chunk.subarray(nl + 1);
    }
    // A partial line ahead of a chunk that is a block on its own: finish that line with the
    // chunk's first line, so the chunk itself is passed on without being copied.
    if (carry.length === 1 && carryLen < chunk.length && chunk.length >= minBlock) {
      const nl = chunk.indexOf(NL);
      if (nl >= 0) {
        yield Buffer.concat([carry[0]!, chunk.subarray(0, nl + 1)]);
        carry = [];
        carryLen = 0;
        chunk = chunk.subarray(nl + 1);
      }
    }
    carry.push(chunk);
    carryLen += chunk.length;
    if (carryLen < minBlock) continue;
    const owned = carry.length > 1;
    const all = owned ? Buffer.concat(carry, carryLen) : chunk;
    const cut = all.lastIndexOf(NL);
    if (cut < 0) {
      // one long line so far: keep accumulating (a record larger than a block is legal), up to a bound
      if (carryLen > MAX_LINE_BYTES) {
        skipping = carryLen;
        carry = [];
        carryLen = 0;
      } else carry = [all];
      continue;
    }
    const tail = all.subarray(cut + 1);
    const rest = owned && tail.length > 0 ? Buffer.from(tail) : tail; // keep nothing of a block given away
    carry = rest.length > 0 ? [rest] : [];
    carryLen = rest.length;
    if (owned && all.byteOffset === 0 && all.buffer.byteLength === all.length)
      ownedBlockMemory.add(all.buffer);
    yield all.subarray(0, cut + 1);
  }
  if (cutShort()) return;
  if (skipping > 0) yield skippedLine(MAX_LINE_BYTES, skipping);
  else if (carryLen > 0) yield carry.length === 1 ? carry[0]! : Buffer.concat(carry, carryLen);
}

/** Number of lines a block holds (a trailing partial line counts as one). */
export function countLines(block: Buffer): number {
  let n = 0;
  let i = block.indexOf(NL);
  while (i >= 0) {
    n++;
    i = block.indexOf(NL, i + 1);
  }
  if (block.length > 0 && block[block.length - 1] !== NL) n++;
  return n;
}

/** Calls fn(line, lineNumber) for each line of a block; lineNumber = base + index (1-based). Strips \r. */
export function forEachLine(
  block: Buffer | string,
  base: number,
  fn: (text: string, line: number) => void,
): number {
  const s = typeof block === 'string' ? block : block.toString('utf8');
  let start = 0;
  let line = base;
  while (start < s.length) {
    let end = s.indexOf('\n', start);
    if (end < 0) end = s.length;
    line++;
    const stop = end > start && s.charCodeAt(end - 1) === 13 ? end - 1 : end;
    fn(s.slice(start, stop), line);
    start = end + 1;
  }
  return line - base;
}

/** Async line walk over a chunk stream. */
export async function* readLines(
  chunks: AsyncIterable<Buffer>,
): AsyncGenerator<{ text: string; line: number }> {
  let base = 0;
  for await (const block of lineBlocks(chunks, 256 * 1024)) {
    const out: Array<{ text: string; line: number }> = [];
    base += forEachLine(block, base, (text, line) => out.push({ text, line }));
    yield* out;
  }
}
