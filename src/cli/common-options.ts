// Options shared by several commands, defined once.
import type { OptionSpec } from './args.js';
import { UsageError } from '../core/errors.js';

export const jsonOption: OptionSpec = {
  name: 'json',
  type: 'boolean',
  description: 'print JSON Lines (one object per line) instead of a table',
};
export const outputOption: OptionSpec = {
  name: 'output',
  short: 'o',
  type: 'string',
  valueName: 'FILE',
  description: 'write output to FILE ("-" = stdout)',
};
export const asOfOption: OptionSpec = {
  name: 'as-of',
  type: 'string',
  valueName: 'YYYY-MM-DD',
  description: 'judge support and CVEs as of this date',
  env: 'EXCENSUS_AS_OF',
};
export const dbOption: OptionSpec = {
  name: 'db',
  type: 'string',
  valueName: 'PATH|URL',
  description: 'SQLite file or postgres:// URL',
  env: 'EXCENSUS_DB',
  default: './excensus.db',
};
export const noStoreOption: OptionSpec = {
  name: 'no-store',
  type: 'boolean',
  description: 'do not write results into the store',
};
export const helpOption: OptionSpec = {
  name: 'help',
  short: 'h',
  type: 'boolean',
  description: 'show this help',
};

/** Parses --as-of; defaults to today (UTC). The CLI is the one place that reads the clock for it. */
export function parseAsOf(value: string | undefined, now: Date = new Date()): string {
  if (value === undefined) return now.toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new UsageError(`--as-of must be a date YYYY-MM-DD, got "${value}"`);
  }
  return value;
}
