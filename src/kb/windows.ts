// Windows Server releases by the version an NTLM CHALLENGE reports (data/windows.json), and a
// pure lookup of one version's support on a date. The table ships with the package.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isChecked } from '../core/checked-data.js';
import { dataPath } from '../core/data-dir.js';
import { DataError } from '../core/errors.js';
import type { WindowsVerdict } from '../core/host-record.js';
import type { WindowsRow } from './windows-schema.js';

export interface WindowsRelease {
  product: string;
  endOfSupport: string;
}

/** version ("10.0.17763") -> release. */
export type WindowsTable = ReadonlyMap<string, WindowsRelease>;

const requireHere = createRequire(import.meta.url);

export function parseWindowsTable(value: unknown, where = 'data/windows.json'): WindowsTable {
  const { windowsFile, prettifyError } = requireHere(
    './windows-schema.js',
  ) as typeof import('./windows-schema.js');
  const r = windowsFile.safeParse(value);
  if (!r.success) throw new DataError(`${where}: ${prettifyError(r.error)}`);
  return tableOf(r.data.releases, where);
}

function tableOf(releases: readonly WindowsRow[], where: string): WindowsTable {
  const table = new Map<string, WindowsRelease>();
  for (const row of releases) {
    if (table.has(row.version)) throw new DataError(`${where}: version ${row.version} twice`);
    table.set(row.version, { product: row.product, endOfSupport: row.end_of_support });
  }
  return table;
}

let cached: WindowsTable | undefined;

export function loadWindowsTable(): WindowsTable {
  if (!cached) {
    const path = dataPath('windows.json');
    let text: string;
    let raw: unknown;
    try {
      text = readFileSync(path, 'utf8');
      raw = JSON.parse(text);
    } catch (err) {
      throw new DataError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
    // the text the schema accepted before (core/checked-data.ts) validates to its own parse
    cached = isChecked('windows.json', text)
      ? tableOf((raw as { releases: WindowsRow[] }).releases, path)
      : parseWindowsTable(raw, path);
  }
  return cached;
}

/**
 * Whether support had ended on `asOf`: an end-of-support date is the last day supported, as for
 * Exchange (classify: past end of life when eolDate < asOf). Every report asks this function.
 */
export function windowsSupportEnded(endOfSupport: string | null | undefined, asOf: string): boolean {
  return typeof endOfSupport === 'string' && endOfSupport !== '' && endOfSupport < asOf;
}

/** Which Windows a version is and whether it is supported on `asOf` (YYYY-MM-DD); pure. */
export function judgeWindows(version: string, table: WindowsTable, asOf: string): WindowsVerdict {
  const release = table.get(version);
  if (!release) return { version, product: null, endOfSupport: null, unsupported: null };
  return {
    version,
    product: release.product,
    endOfSupport: release.endOfSupport,
    unsupported: windowsSupportEnded(release.endOfSupport, asOf),
  };
}
