// Options shared by several commands, defined once.
import type { CommandContext, OptionSpec, OptionValues } from './args.js';
import { bool, list, str } from './args.js';
// From their own modules, not the run/ barrel: every command loads this file, and the barrel loads
// every use case (the queue, the lab, the HTML report...) before a command starts.
import { openStoreForWriting } from '../run/store.js';
import type { GeoChoice, Store } from '../run/index.js';
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
/** --as-of for commands that read stored scans: their CVE verdicts are the ones stored. */
export const storedAsOfOption: OptionSpec = {
  ...asOfOption,
  description:
    'judge end of support as of this date (CVE verdicts are those the scan was stored with: reclassify --as-of re-judges them)',
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

export const tableOptions: OptionSpec[] = [
  {
    name: 'columns',
    type: 'string',
    multiple: true,
    valueName: 'COL[,COL]',
    description: 'table columns to show, in this order (names as in the header, lower case, dashes)',
  },
  { name: 'wide', type: 'boolean', description: 'show every column of the table' },
];

/** --columns and --wide, for the table renderer. */
export function columnChoice(values: OptionValues): { columns?: string[]; wide: boolean } {
  const cols = list(values, 'columns')
    .flatMap((c) => c.split(','))
    .map((c) => c.trim())
    .filter((c) => c !== '');
  return { ...(cols.length ? { columns: cols } : {}), wide: bool(values, 'wide') };
}

/**
 * How wide text tables may be: the terminal's width when the output goes to stdout and stdout is
 * a terminal (cells are then shortened with an ellipsis); unbounded for files and pipes.
 */
export function textLayout(ctx: CommandContext, outputPath: string | undefined): { width?: number } {
  const toStdout = outputPath === undefined || outputPath === '-';
  return toStdout && ctx.stdoutIsTTY && ctx.terminalWidth ? { width: ctx.terminalWidth } : {};
}

/** Parses --as-of; defaults to today (UTC). The CLI is the one place that reads the clock for it. */
export function parseAsOf(value: string | undefined, now: Date = new Date()): string {
  if (value === undefined) return now.toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new UsageError(`--as-of must be a date YYYY-MM-DD, got "${value}"`);
  }
  return value;
}

export const geoOptions: OptionSpec[] = [
  {
    name: 'geo-country-db',
    type: 'string',
    valueName: 'FILE',
    description: 'your own GeoLite2 Country/City .mmdb (default: the bundled snapshot)',
    env: 'EXCENSUS_GEO_COUNTRY_DB',
  },
  {
    name: 'geo-asn-db',
    type: 'string',
    valueName: 'FILE',
    description: 'your own GeoLite2 ASN .mmdb (default: the bundled snapshot)',
    env: 'EXCENSUS_GEO_ASN_DB',
  },
  {
    name: 'no-geo',
    type: 'boolean',
    description: 'do not add geolocation; keep only what the source carried',
  },
];

export const scanNameOptions: OptionSpec[] = [
  {
    name: 'name',
    type: 'string',
    valueName: 'NAME',
    description: 'name of the scan in the store (default: kind, source and time)',
  },
  {
    name: 'series',
    type: 'string',
    valueName: 'KEY',
    description: 'series that trends compare (default: derived from the inputs)',
  },
];

export const resumeScanOption: OptionSpec = {
  name: 'resume-scan',
  type: 'string',
  valueName: 'REF',
  description:
    'continue an unfinished scan in the store (name, id, or "last"): targets already stored are not redone, none is duplicated',
};

/** The geolocation choice of --no-geo, --geo-country-db and --geo-asn-db. */
export function geoChoice(values: OptionValues): GeoChoice {
  const countryDb = str(values, 'geo-country-db');
  const asnDb = str(values, 'geo-asn-db');
  return {
    disabled: bool(values, 'no-geo'),
    ...(countryDb ? { countryDb } : {}),
    ...(asnDb ? { asnDb } : {}),
  };
}

/** The store a writing command uses: none with --no-store. */
export async function storeForWriting(values: OptionValues): Promise<Store | null> {
  return bool(values, 'no-store') ? null : openStoreForWriting(str(values, 'db'));
}

/** Only the options the user gave: `{ name: value }` for each defined one. */
export function given<K extends string, V>(entries: Record<K, V | undefined>): { [P in K]?: V } {
  const out: { [P in K]?: V } = {};
  for (const k of Object.keys(entries) as K[]) if (entries[k] !== undefined) out[k] = entries[k];
  return out;
}
