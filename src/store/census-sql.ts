// Builds census SQL. Counting happens in the database, grouped by the requested columns
// plus the two family masks; census-fold.ts turns the (small) result into CensusRows.
import type { CensusFilter, GroupKey } from './store.js';
import type { SqlValue } from './driver.js';
import type { FamilyBits } from './families.js';

const COLUMN: Record<Exclude<GroupKey, 'eol' | 'family'>, string> = {
  continent: 'continent',
  country: 'country',
  asn: 'asn',
  product: 'product',
  release: 'release_name',
  status: 'status',
};

export interface Where {
  sql: string;
  params: SqlValue[];
}

function inList(column: string, values: Array<string | number>, params: SqlValue[]): string {
  params.push(...values);
  return `${column} IN (${values.map(() => '?').join(', ')})`;
}

/** WHERE clause for a scan and a filter; `asOf` is needed only when filtering on EOL. */
export function buildWhere(scanId: number, filter: CensusFilter | undefined, asOf: string | undefined, families: FamilyBits): Where {
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

/** True when the pre-aggregated census_summary can answer (it has no ASN column). */
export function summaryCanAnswer(groupBy: GroupKey[], filter: CensusFilter | undefined): boolean {
  return !groupBy.includes('asn') && !(filter?.asn?.length);
}

export interface CensusSql {
  sql: string;
  params: SqlValue[];
  /** Group keys other than 'family', in select order (family is expanded from the masks). */
  keys: Array<Exclude<GroupKey, 'family'>>;
}

export function buildCensusSql(
  scanId: number, groupBy: GroupKey[], filter: CensusFilter | undefined, asOf: string, families: FamilyBits, fromSummary: boolean,
): CensusSql {
  const keys = [...new Set(groupBy)].filter((k): k is Exclude<GroupKey, 'family'> => k !== 'family');
  const params: SqlValue[] = [];
  const select: string[] = [];
  keys.forEach((k, i) => {
    if (k === 'eol') {
      select.push(`CASE WHEN eol_date IS NULL THEN NULL WHEN eol_date < ? THEN 1 ELSE 0 END AS g${i}`);
      params.push(asOf);
    } else select.push(`${COLUMN[k]} AS g${i}`);
  });
  const w = fromSummary ? 'n' : '1';
  select.push(
    'vuln_mask', 'likely_mask',
    `SUM(${w}) AS hosts`, `SUM(${w} * is_exchange) AS exchange`, `SUM(${w} * suspect) AS suspect`,
    `SUM(CASE WHEN is_exchange = 1 AND eol_date IS NOT NULL AND eol_date < ? THEN ${w} ELSE 0 END) AS eol`,
  );
  params.push(asOf);
  if (keys.includes('asn')) select.push('MAX(asn_org) AS asn_org');
  const where = buildWhere(scanId, filter, asOf, families);
  params.push(...where.params);
  const groupCount = keys.length + 2;
  const ordinals = Array.from({ length: groupCount }, (_, i) => String(i + 1)).join(', ');
  const sql = `SELECT ${select.join(', ')} FROM ${fromSummary ? 'census_summary' : 'hosts'} WHERE ${where.sql} GROUP BY ${ordinals}`;
  return { sql, params, keys };
}
