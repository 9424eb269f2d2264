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
