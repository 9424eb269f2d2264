// Opens one input ("-" = stdin) as a stream of byte chunks, gunzipping when the first bytes are
// the gzip magic (whatever the name says). Stream faults end the chunks and are kept as `damage`,
// so everything read before a truncated gzip or a read error still reaches the readers.
import { createReadStream, fstatSync, statSync, type Stats } from 'node:fs';
import type { ReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { ConfigError, fileErrorReason } from '../core/errors.js';

export interface InputHandle {
  name: string;
  gzip: boolean;
  /** First bytes of the (decompressed) content, for format detection; also the first chunk. */
  head: Buffer;
  chunks: AsyncIterable<Buffer>;
  /** Size on disk of a regular file (compressed size for gzip); undefined for stdin. */
  size?: number;
  /** Set once iteration ended early because the stream failed. */
  damage(): string | undefined;
  /**
   * After reading: why the file read is not the file that was opened (it shrank, was cut or
   * replaced while read), or undefined. What was read is then only part of the input.
   */
  changed(): string | undefined;
  /** A regular file (not a pipe or device): it can be read at any offset. */
  seekable: boolean;
  /** Bytes of a UTF-8 byte order mark skipped at the start (0 or 3). */
  bom: number;
  /** Stops reading (for a caller that reads the file another way). */
  release(): void;
}

const HEAD_BYTES = 64 * 1024;
const READ_CHUNK = 1024 * 1024;

export async function openInput(path: string, stdin: Readable): Promise<InputHandle> {
  const raw: Readable = path === '-' ? stdin : createReadStream(path, { highWaterMark: READ_CHUNK });
  if (path !== '-') {
    await new Promise<void>((resolve, reject) => {
      raw.once('open', () => resolve());
      raw.once('error', (err) =>
        reject(new ConfigError('E_INPUT', `cannot read ${path}: ${fileErrorReason(err)}`, { cause: err })),
      );
    });
  }
  // the file as opened (through its descriptor, so a rename over the path does not fool it)
  let opened: Stats | undefined;
  if (path !== '-') opened = fstatSync((raw as ReadStream & { fd: number }).fd);
  const streamIter = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let rawBytes = 0;
  let rawEnded = false;
  const rawIter: AsyncIterator<Buffer | string> = {
    next: async () => {
      const r = await streamIter.next();
      if (r.done) rawEnded = true;
      else rawBytes += typeof r.value === 'string' ? Buffer.byteLength(r.value) : r.value.length;
      return r;
    },
  };
  let damage: string | undefined;

  const first = await safeNext(rawIter, (m) => (damage = m));
  let firstBuf = first === undefined ? Buffer.alloc(0) : toBuf(first);
  // a pipe may hand over the first byte alone, and the gzip magic is two
  while (first !== undefined && firstBuf.length < 2) {
    const more = await safeNext(rawIter, (m) => (damage = m));
    if (more === undefined) break;
    firstBuf = Buffer.concat([firstBuf, toBuf(more)]);
  }
  const gzip = firstBuf.length >= 2 && firstBuf[0] === 0x1f && firstBuf[1] === 0x8b;

  let source: AsyncIterator<Buffer | string>;
  if (gzip) {
    const gunzip = createGunzip({ chunkSize: 256 * 1024 });
    // Feed the raw bytes (first chunk included) into gunzip, honouring its back-pressure.
    void (async () => {
      try {
        if (!gunzip.write(firstBuf)) await onceDrain(gunzip);
        for (;;) {
          const next = await safeNext(rawIter, (m) => (damage = m));
          if (next === undefined) break;
          if (!gunzip.write(toBuf(next))) await onceDrain(gunzip);
        }
        gunzip.end();
      } catch {
        gunzip.end();
      }
    })();
    source = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  } else {
    let pending: Buffer | undefined = firstBuf.length > 0 ? firstBuf : undefined;
    source = {
      next: async () => {
        if (pending) {
          const value = pending;
          pending = undefined;
          return { value, done: false };
        }
        return rawIter.next();
      },
    };
  }

  // Read ahead until HEAD_BYTES are buffered (or the input ends) so detection sees enough.
  const buffered: Buffer[] = [];
  let size = 0;
  let ended = false;
  while (size < HEAD_BYTES) {
    const c = await safeNext(source, (m) => (damage ??= describeGzipError(m, gzip)));
    if (c === undefined) {
      ended = true;
      break;
    }
    const b = toBuf(c);
    buffered.push(b);
    size += b.length;
  }
  let headAll = Buffer.concat(buffered);
  // A UTF-8 byte order mark is not data: every reader would trip over it on line 1.
  const bom = headAll[0] === 0xef && headAll[1] === 0xbb && headAll[2] === 0xbf ? 3 : 0;
  headAll = headAll.subarray(bom);
  async function* chunks(): AsyncGenerator<Buffer> {
    if (headAll.length > 0) yield headAll;
    if (ended) return;
    for (;;) {
      const c = await safeNext(source, (m) => (damage ??= describeGzipError(m, gzip)));
      if (c === undefined) return;
      yield toBuf(c);
    }
  }
  const stat = path === '-' ? undefined : statSync(path, { throwIfNoEntry: false });
  const fileSize = stat?.size;
  const seekable = stat?.isFile() ?? false;
  return {
    name: path === '-' ? '<stdin>' : path,
    gzip,
    head: headAll.subarray(0, HEAD_BYTES),
    chunks: chunks(),
    damage: () => damage,
    changed: () =>
      opened?.isFile() ? changedSince(path, opened, rawEnded ? rawBytes : undefined) : undefined,
    seekable,
    bom,
    release: () => raw.destroy(),
    ...(fileSize !== undefined ? { size: fileSize } : {}),
  };
}

/** Why `path` is no longer the file `opened` describes; `read`: bytes read to its end, if it was read here. */
function changedSince(path: string, opened: Stats, read: number | undefined): string | undefined {
  const now = statSync(path, { throwIfNoEntry: false });
  if (!now) return 'file removed while read';
  if (now.ino !== opened.ino || now.dev !== opened.dev) return 'file replaced while read';
  if (now.size < opened.size)
    return `file shrank while read (${opened.size} bytes at the start, ${now.size} at the end)`;
  if (read !== undefined && read < opened.size)
    return `file ended early: ${read} of its ${opened.size} bytes read`;
  return undefined;
}

async function safeNext<T>(it: AsyncIterator<T>, onError: (msg: string) => void): Promise<T | undefined> {
  try {
    const r = await it.next();
    return r.done ? undefined : r.value;
  } catch (err) {
    onError((err as Error).message);
    return undefined;
  }
}

function describeGzipError(msg: string, gzip: boolean): string {
  return gzip && /unexpected end of file/i.test(msg)
    ? 'truncated gzip: unexpected end of file'
    : gzip
      ? `gzip error: ${msg}`
      : `read error: ${msg}`;
}

function toBuf(c: Buffer | string): Buffer {
  return typeof c === 'string' ? Buffer.from(c) : c;
}

function onceDrain(s: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => s.once('drain', () => resolve()));
}
