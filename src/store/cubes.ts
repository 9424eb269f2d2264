// Pre-aggregated census tables ("cubes") per scan, and which one answers a query.
// Two kinds: `pivot` cubes hold one row per dimension combination (fam = -1, count n) plus one
// row per combination and CVE family (vulnerable/likely counts), so their size does not grow
// with mask combinations; `mask` cubes keep the two family masks and answer family grouping
// and family filters, which need to know which families each host has together.
import type { CensusFilter, GroupKey } from './store.js';
import { ONE_RECORD_SERVERS_SQL, SERVERS_SQL } from './servers-sql.js';

export type Dim =
  | 'continent'
  | 'country'
  | 'asn'
  | 'product'
  | 'release_name'
  | 'status'
  | 'eol_date'
  | 'is_exchange'
  | 'suspect'
  | 'port'
  | 'front'
  | 'windows'
  | 'windows_eos';

export interface Cube {
  table: string;
  kind: 'pivot' | 'mask';
  dims: readonly Dim[];
  /** True when the table has an asn_org column (MAX per row). */
  asnOrg: boolean;
  /** Rows are counts in `n` (cubes) rather than one row per host (the hosts table). */
  counted: boolean;
}

const GEO: Dim[] = [
  'continent',
  'country',
  'product',
  'release_name',
  'status',
  'eol_date',
  'is_exchange',
  'suspect',
];
// No geo here: ASNs times countries can make a cube nearly as large as the host table (GEO_ASN_MASK
// holds both, read by country).
const ASN: Dim[] = ['asn', 'product', 'status', 'eol_date', 'is_exchange', 'suspect'];

export const GEO_PIVOT: Cube = {
  table: 'census_geo',
  kind: 'pivot',
  dims: GEO,
  asnOrg: false,
  counted: true,
};
export const ASN_PIVOT: Cube = { table: 'census_asn', kind: 'pivot', dims: ASN, asnOrg: true, counted: true };
export const GEO_MASK: Cube = {
  table: 'census_summary',
  kind: 'mask',
  dims: GEO,
  asnOrg: false,
  counted: true,
};
export const ASN_MASK: Cube = {
  table: 'census_asn_mask',
  kind: 'mask',
  dims: ASN,
  asnOrg: true,
  counted: true,
};
/** Networks by country (and the reverse): every census dimension but the release and host-only ones. */
export const GEO_ASN_MASK: Cube = {
  table: 'census_geo_asn_mask',
  kind: 'mask',
  dims: ['continent', 'country', 'asn', 'product', 'status', 'eol_date', 'is_exchange', 'suspect'],
  asnOrg: true,
  counted: true,
};
// Family grouping and filters over product, status and EOL only: a few thousand rows.
export const FAMILY_MASK: Cube = {
  table: 'census_family_mask',
  kind: 'mask',
  dims: ['product', 'status', 'eol_date', 'is_exchange', 'suspect'],
  asnOrg: false,
  counted: true,
};
/** Read from host rows only (no pre-aggregated cube holds them): few hosts carry them. */
const HOST_ONLY: Dim[] = ['front', 'windows', 'windows_eos'];
/** Counted records (plain_counts) in the shape of host rows: not Exchange, no product, no CVE. */
const PLAIN_AS_HOSTS = `SELECT scan_id, continent, country, asn, asn_org, NULL AS product, NULL AS release_name, 'not-exchange' AS status,
  NULL AS eol_date, 0 AS is_exchange, 0 AS suspect, 0 AS vuln_mask, 0 AS likely_mask, NULL AS front, NULL AS windows,
  NULL AS windows_eos, n FROM plain_counts`;
const serversAndCounts = (servers: string) =>
  `(SELECT scan_id, continent, country, asn, asn_org, product, release_name, status, eol_date, is_exchange, suspect, vuln_mask, likely_mask, front, windows, windows_eos, 1 AS n FROM (${servers}) AS servers
    UNION ALL ${PLAIN_AS_HOSTS}) AS records`;
/**
 * Every server of a scan (one per address: its records on every port combined, servers-sql.ts),
 * and counted records, which count as read (their addresses are not kept).
 */
export const HOSTS: Cube = {
  table: serversAndCounts(SERVERS_SQL),
  kind: 'mask',
  dims: [...GEO, 'asn', ...HOST_ONLY],
  asnOrg: true,
  counted: true,
};
/** HOSTS of a scan with one record per address (cube rebuilds only: no query picks it). */
export const ONE_RECORD_HOSTS: Cube = { ...HOSTS, table: serversAndCounts(ONE_RECORD_SERVERS_SQL) };
/** Every record of a scan, one per ip:port (for grouping by port): host rows and counted records. */
export const RECORDS: Cube = {
  table: `(SELECT scan_id, continent, country, asn, asn_org, product, release_name, status, eol_date, is_exchange, suspect, vuln_mask, likely_mask, port, front, windows, windows_eos, 1 AS n FROM hosts
    UNION ALL SELECT scan_id, continent, country, asn, asn_org, NULL, NULL, 'not-exchange', NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL, n FROM plain_counts) AS records`,
  kind: 'mask',
  dims: [...GEO, 'asn', 'port', ...HOST_ONLY],
  asnOrg: true,
  counted: true,
};

/** Smallest first; the servers answer anything but ports, the records anything. */
export const CUBES_BY_SIZE: readonly Cube[] = [
  GEO_PIVOT,
  ASN_PIVOT,
  FAMILY_MASK,
  GEO_MASK,
  ASN_MASK,
  GEO_ASN_MASK,
  HOSTS,
  RECORDS,
];

export const GROUP_COLUMN: Record<Exclude<GroupKey, 'eol' | 'family' | 'windows'>, Dim> = {
  continent: 'continent',
  country: 'country',
  asn: 'asn',
  product: 'product',
  release: 'release_name',
  status: 'status',
  port: 'port',
  fronted: 'front',
};

const FILTER_COLUMN: Record<Exclude<keyof CensusFilter, 'eol' | 'family'>, Dim> = {
  product: 'product',
  country: 'country',
  continent: 'continent',
  asn: 'asn',
  status: 'status',
};

/** Columns a query reads, and whether it needs per-host family sets (family grouping or filter). */
export function queryNeeds(
  groupBy: GroupKey[],
  filter: CensusFilter | undefined,
): { dims: Set<Dim>; masks: boolean } {
  const dims = new Set<Dim>(['eol_date', 'is_exchange', 'suspect']);
  for (const k of groupBy) {
    if (k === 'windows') dims.add('windows').add('windows_eos');
    else if (k !== 'eol' && k !== 'family') dims.add(GROUP_COLUMN[k]);
  }
  const f = filter ?? {};
  for (const [k, col] of Object.entries(FILTER_COLUMN) as Array<[keyof typeof FILTER_COLUMN, Dim]>)
    if (f[k]?.length) dims.add(col);
  return { dims, masks: groupBy.includes('family') || Boolean(f.family?.length) };
}

export function pickCube(groupBy: GroupKey[], filter: CensusFilter | undefined): Cube {
  const need = queryNeeds(groupBy, filter);
  for (const c of CUBES_BY_SIZE) {
    if (need.masks && c.kind !== 'mask') continue;
    if ([...need.dims].every((d) => c.dims.includes(d))) return c;
  }
  return RECORDS;
}
