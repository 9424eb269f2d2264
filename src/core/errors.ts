// Throw only for bugs and bad configuration; network and input faults become data.

/** Bad command line: exit code 2. */
export class UsageError extends Error {
  readonly code = 'E_USAGE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** Bad configuration or unusable environment (missing file, unreachable database): exit code 1. */
export class ConfigError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** Data under data/ failed validation: a packaging bug. */
export class DataError extends Error {
  readonly code = 'E_DATA';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataError';
  }
}

const FILE_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  ENAMETOOLONG: 'name too long',
  EMFILE: 'too many open files',
};

/** What went wrong with a file, in words ("no such file"), not as "ENOENT: ...". */
export function fileErrorReason(err: unknown, op: 'read' | 'write' = 'read'): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  // writing a file in a directory that is not there
  if (code === 'ENOENT' && op === 'write') return 'no such directory';
  return (code && FILE_REASONS[code]) ?? (err instanceof Error ? err.message : String(err));
}

/** An operating-system error about a file (it carries the path and the call that failed). */
export function isFileSystemError(err: unknown): err is NodeJS.ErrnoException & { path: string } {
  const e = err as NodeJS.ErrnoException | undefined;
  return typeof e?.code === 'string' && typeof e.path === 'string' && typeof e.syscall === 'string';
}
