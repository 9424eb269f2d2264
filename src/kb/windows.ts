// Windows Server releases by the version an NTLM CHALLENGE reports (data/windows.json), and a
// pure lookup of one version's support on a date. The table ships with the package.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { dataPath } from '../core/data-dir.js';
import { DataError } from '../core/errors.js';
import type { WindowsVerdict } from '../core/host-record.js';

const windowsFile = z
  .object({
    about: z.string().min(10),
    releases: z
      .array(
        z
          .object({
            version: z.string().regex(/^\d+\.\d+\.\d+$/),
            product: z.string().min(3),
            end_of_support: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
            source: z.string().url(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export interface WindowsRelease {
  product: string;
  endOfSupport: string;
}

/** version ("10.0.17763") -> release. */
export type WindowsTable = ReadonlyMap<string, WindowsRelease>;

export function parseWindowsTable(value: unknown, where = 'data/windows.json'): WindowsTable {
  const r = windowsFile.safeParse(value);
  if (!r.success) throw new DataError(`${where}: ${z.prettifyError(r.error)}`);
  const table = new Map<string, WindowsRelease>();
  for (const row of r.data.releases) {
    if (table.has(row.version)) throw new DataError(`${where}: version ${row.version} twice`);
    table.set(row.version, { product: row.product, endOfSupport: row.end_of_support });
  }
  return table;
}

let cached: WindowsTable | undefined;

export function loadWindowsTable(): WindowsTable {
  if (!cached) {
    const path = dataPath('windows.json');
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new DataError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
    cached = parseWindowsTable(raw, path);
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
