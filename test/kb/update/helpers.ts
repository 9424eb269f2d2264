// Shared setup for the kb update tests: the saved upstream fixtures, a private data dir per test,
// and the facts of the fixtures the assertions compare with.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/cli.js';
import { parseCsvRows } from '../../../src/kb/csv.js';
import { splitVersion } from '../../../src/kb/version.js';

export const fixtures = join(repoRoot, 'test', 'fixtures', 'kb-upstream');

/** The CVRF documents saved in the fixtures. */
export const savedMonths = [
  '2021-Mar',
  '2021-Jul',
  '2022-Sep',
  '2023-Aug',
  '2024-Feb',
  '2025-Aug',
  '2026-Jun',
];

/** Exchange CVEs of those documents, as the reference README lists them. */
export const savedMonthCves = [
  ...['26412', '26854', '26855', '26857', '26858', '27065', '27078'].map((n) => `CVE-2021-${n}`),
  ...['31196', '31206', '33766', '33768', '34470', '34473', '34523'].map((n) => `CVE-2021-${n}`),
  'CVE-2022-41040',
  'CVE-2022-41082',
  ...['21709', '35368', '35388', '38181', '38182', '38185'].map((n) => `CVE-2023-${n}`),
  'CVE-2024-21410',
  ...['25005', '25006', '25007', '33051', '53786'].map((n) => `CVE-2025-${n}`),
  ...['45500', '45501', '45502', '45503', '45504', '45583', '47631'].map((n) => `CVE-2026-${n}`),
];

export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `excensus-${name}-`));
}

/** A private copy of the fixtures to change. */
export function fixtureCopy(): string {
  const dir = tempDir('kb-from');
  cpSync(fixtures, dir, { recursive: true });
  return dir;
}

/** Every build of the saved build list, normalised, with its name. */
export function buildListBuilds(): { name: string; build: string }[] {
  const text = readFileSync(join(fixtures, 'get-exchangebuildnumber', 'ExchangeBuildNumbers.csv'), 'utf8');
  const [, ...rows] = parseCsvRows(text).rows;
  return rows.map((r) => ({ name: r.fields[0]!, build: splitVersion(r.fields[1]!)!.join('.') }));
}
