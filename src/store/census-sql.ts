// Builds census SQL over a cube (cubes.ts). Counting happens in the database: per-family
// counts are pivoted into columns, except for family grouping, which groups by the two masks;
// census-fold.ts turns the (small) result into CensusRows.
import type { CensusFilter, GroupKey } from './store.js';
import type { SqlValue } from './driver.js';
import type { FamilyBits } from './families.js';
import { GROUP_COLUMN, type Cube } from './cubes.js';

export interface Where {
  sql: string;
  params: SqlValue[];
}

function inList(column: string, values: Array<string | number>, params: SqlValue[]): string {
  params.push(...values);
  return `${column} IN (${values.map(() => '?').join(', ')})`;
}

/** WHERE clause for a scan and a filter; `asOf` is needed only when filtering on EOL. */
export function buildWhere(
  scanId: number,
  filter: CensusFilter | undefined,
  asOf: string | undefined,
  families: FamilyBits,
): Where {
  const params: SqlValue[] = [scanId];
  const parts = ['scan_id = ?'];
  const f = filter ?? {};
  if (f.product?.length) parts.push(inList('product', f.product, params));
  if (f.country?.length) parts.push(inList('country', f.country, params));
  if (f.continent?.length) parts.push(inList('continent', f.continent, params));
  if (f.status?.length) parts.push(inList('status', f.status, params));
  if (f.asn?.length) parts.push(inList('asn', f.asn, params));
  if (f.eol !== undefined) {
    if (asOf === undefined) throw new TypeError('an EOL filter needs an asOf date');
    parts.push(f.eol ? 'eol_date IS NOT NULL AND eol_date < ?' : '(eol_date IS NULL OR eol_date >= ?)');
    params.push(asOf);
  }
  if (f.family?.length) {
    parts.push('((vuln_mask | likely_mask) & ?) <> 0');
    params.push(families.maskOf(f.family));
  }
  return { sql: parts.join(' AND '), params };
}

export interface CensusSql {
  sql: string;
  params: SqlValue[];
  /** Group keys other than 'family', in select order (family is expanded from the masks). */
  keys: Array<Exclude<GroupKey, 'family'>>;
  /** 'masks': rows per group and mask pair (foldCensus); 'pivot': one row per group with v<bit>/l<bit> columns (foldPivot). */
  shape: 'masks' | 'pivot';
}

/** Per-family columns: from a pivot cube's family rows, or by testing each host's mask bit.
 * FILTER (SQLite >= 3.30, PostgreSQL) costs SQLite about a third less than SUM(CASE ...). */
function familyColumns(cube: Cube, w: string, families: FamilyBits): string[] {
  return families.bits().flatMap(([bit]) => {
    if (cube.kind === 'pivot')
      return [
        `SUM(vulnerable) FILTER (WHERE fam = ${bit}) AS v${bit}`,
        `SUM(likely) FILTER (WHERE fam = ${bit}) AS l${bit}`,
      ];
    const m = String(2 ** bit);
    return [
      `SUM(${w}) FILTER (WHERE (vuln_mask & ${m}) <> 0) AS v${bit}`,
      `SUM(${w}) FILTER (WHERE (likely_mask & ${m}) <> 0) AS l${bit}`,
    ];
  });
}

export function buildCensusSql(
  cube: Cube,
  scanId: number,
  groupBy: GroupKey[],
  filter: CensusFilter | undefined,
  asOf: string,
  families: FamilyBits,
  notAssessed?: readonly string[],
): CensusSql {
  const keys = [...new Set(groupBy)].filter((k): k is Exclude<GroupKey, 'family'> => k !== 'family');
  const shape = groupBy.includes('family') ? 'masks' : 'pivot';
  if (shape === 'masks' && cube.kind !== 'mask') throw new Error(`cube ${cube.table} cannot group by family`);
  const params: SqlValue[] = [];
  const select: string[] = [];
  keys.forEach((k, i) => {
    if (k === 'eol') {
      select.push(`CASE WHEN eol_date IS NULL THEN NULL WHEN eol_date < ? THEN 1 ELSE 0 END AS g${i}`);
      params.push(asOf);
    } else if (k === 'windows') {
      // An end-of-support date is the last day supported (kb/windows.ts windowsSupportEnded).
      select.push(
        `CASE WHEN windows IS NULL THEN NULL WHEN windows_eos IS NOT NULL AND windows_eos < ? THEN windows || ' (unsupported)' ELSE windows END AS g${i}`,
      );
      params.push(asOf);
    } else if (k === 'fronted') select.push(`COALESCE(front, 'none') AS g${i}`);
    else select.push(`${GROUP_COLUMN[k]} AS g${i}`);
  });
  // Pivot cubes: family rows carry n = 0, so the host sums need no condition on fam.
  const w = cube.counted ? 'n' : '1';
  if (shape === 'masks') select.push('vuln_mask', 'likely_mask');
  select.push(
    `SUM(${w}) AS hosts`,
    `SUM(${w} * is_exchange) AS exchange`,
    `SUM(${w} * suspect) AS suspect`,
    `SUM(CASE WHEN is_exchange = 1 AND eol_date IS NOT NULL AND eol_date < ? THEN ${w} ELSE 0 END) AS eol`,
  );
  params.push(asOf);
  if (notAssessed?.length) {
    select.push(
      `SUM(CASE WHEN is_exchange = 1 AND ${inList('product', [...notAssessed], params)} THEN ${w} ELSE 0 END) AS not_assessed`,
    );
  } else if (notAssessed) select.push('0 AS not_assessed');
  if (shape === 'pivot') select.push(...familyColumns(cube, w, families));
  if (keys.includes('asn')) select.push('MAX(asn_org) AS asn_org');
  const where = buildWhere(scanId, filter, asOf, families);
  params.push(...where.params);
  const groupCount = keys.length + (shape === 'masks' ? 2 : 0);
  const ordinals = Array.from({ length: groupCount }, (_, i) => String(i + 1)).join(', ');
  const sql = `SELECT ${select.join(', ')} FROM ${cube.table} WHERE ${where.sql}${groupCount > 0 ? ` GROUP BY ${ordinals}` : ''}`;
  return { sql, params, keys, shape };
}
