// Output files are written beside their destination and renamed over it when complete, so a
// reader never sees half a report and a failed run never leaves a truncated file; and no output
// may land on the store a command is using (`report -o excensus.db` once replaced the database).
import {
  closeSync,
  fstatSync,
  openSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { createWriteStream } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { ConfigError, UsageError, fileErrorReason } from './errors.js';

export interface OutputFile {
  stream: Writable;
  /** Flushes, closes and renames the temporary file onto the destination. */
  commit(): Promise<void>;
  /** Closes and removes the temporary file; the destination is left as it was. */
  discard(): Promise<void>;
}

/** The files that belong to a SQLite store: the database and its WAL and shared-memory files. */
function storeFiles(store: string): string[] {
  return [store, `${store}-wal`, `${store}-shm`, `${store}-journal`];
}

/** One path for a file, existing or not: the real path of its folder and its own name. */
function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(resolve(path))), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

function sameFile(a: string, b: string): boolean {
  if (canonical(a) === canonical(b)) return true;
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.ino === sb.ino && sa.dev === sb.dev; // a hard link to the store
  } catch {
    return false;
  }
}

/**
 * Throws a usage error when `path` is the SQLite store `store` (or one of its files), whatever
 * way it is spelled (relative, through a symbolic link, a hard link). `what` names the option.
 */
export function refuseStoreAsOutput(path: string, store: string | null | undefined, what = '-o'): void {
  if (!store || path === '-' || /^postgres(ql)?:\/\//i.test(store) || store === ':memory:') return;
  if (storeFiles(store).some((f) => sameFile(path, f)))
    throw new UsageError(
      `${what} ${path} is the store in use (--db ${store}); writing there would destroy it: choose another file`,
    );
}

function tempPath(path: string): string {
  const rand = Math.random().toString(36).slice(2, 10);
  return join(dirname(path), `.${basename(path)}.${process.pid}.${rand}.tmp`);
}

/** Opens a temporary file beside `path`; commit() renames it onto `path`. */
export function createOutputFile(path: string): OutputFile {
  const tmp = tempPath(path);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    if (fstatSync(fd).isDirectory()) throw new Error('is a directory');
  } catch (err) {
    throw new ConfigError('E_OUTPUT', `cannot write ${path}: ${fileErrorReason(err, 'write')}`, {
      cause: err,
    });
  }
  const stream = createWriteStream('', { fd });
  const close = async () => {
    if (!stream.writableFinished) {
      stream.end();
      await once(stream, 'close');
    }
  };
  return {
    stream,
    async commit() {
      await close();
      renameOnto(tmp, path);
    },
    async discard() {
      await close().catch(() => undefined);
      rmQuietly(tmp);
    },
  };
}

/** Writes `data` to `path` through a temporary file and a rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tempPath(path);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off);
    closeSync(fd);
    fd = undefined;
    renameOnto(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmQuietly(tmp);
    if (err instanceof ConfigError) throw err;
    throw new ConfigError('E_OUTPUT', `cannot write ${path}: ${fileErrorReason(err, 'write')}`, {
      cause: err,
    });
  }
}

function renameOnto(tmp: string, path: string): void {
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmQuietly(tmp);
    throw new ConfigError('E_OUTPUT', `cannot write ${path}: ${fileErrorReason(err, 'write')}`, {
      cause: err,
    });
  }
}

function rmQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
