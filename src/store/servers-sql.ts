// A scan's servers in SQL: one row per address, its records on every port combined by the rule
// of core/server.ts (the record with the most precise build stands for the server; suspect if
// any port is). Census cubes are built from these rows; `--by port` reads the records instead.
import { STATUS_RANK } from '../core/server.js';

const STATUS_ORDER = `CASE status ${STATUS_RANK.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} ELSE ${STATUS_RANK.length} END`;
/** Parts of the verdict's build: dots + 1, or 0 without a build. */
const BUILD_PARTS = `CASE WHEN build IS NULL THEN 0 ELSE length(build) - length(replace(build, '.', '')) + 1 END`;

/** Columns of a server row, in the shape of host rows (the census reads either). */
export const SERVER_COLUMNS =
  'scan_id, ip, continent, country, asn, asn_org, product, release_name, status, eol_date, is_exchange, suspect, vuln_mask, likely_mask, front, windows, windows_eos';

/**
 * Server rows of every scan (callers filter by scan_id; both databases push that filter into the
 * window, whose partitions start with it).
 */
export const SERVERS_SQL = `SELECT scan_id, ip, continent, country, asn, asn_org, product, release_name,
    CASE WHEN any_suspect = 1 THEN 'suspect' ELSE status END AS status, eol_date,
    CASE WHEN any_suspect = 1 THEN 0 ELSE is_exchange END AS is_exchange, any_suspect AS suspect,
    CASE WHEN any_suspect = 1 THEN 0 ELSE vuln_mask END AS vuln_mask,
    CASE WHEN any_suspect = 1 THEN 0 ELSE likely_mask END AS likely_mask, front, windows, windows_eos
  FROM (SELECT scan_id, ip, continent, country, asn, asn_org, product, release_name, status, eol_date,
      is_exchange, suspect, vuln_mask, likely_mask, front, windows, windows_eos,
      MAX(suspect) OVER (PARTITION BY scan_id, ip) AS any_suspect,
      ROW_NUMBER() OVER (PARTITION BY scan_id, ip ORDER BY (is_exchange + suspect) DESC, ${BUILD_PARTS} DESC,
        is_exchange DESC, ${STATUS_ORDER}, port) AS pick
    FROM hosts) AS ranked
  WHERE pick = 1`;

/**
 * The same server rows when no address has records on two ports (each record is its server): no
 * window over the scan, whose sort costs a census rebuild of a million records several seconds.
 */
export const ONE_RECORD_SERVERS_SQL = `SELECT scan_id, ip, continent, country, asn, asn_org, product, release_name,
    CASE WHEN suspect = 1 THEN 'suspect' ELSE status END AS status, eol_date,
    CASE WHEN suspect = 1 THEN 0 ELSE is_exchange END AS is_exchange, suspect,
    CASE WHEN suspect = 1 THEN 0 ELSE vuln_mask END AS vuln_mask,
    CASE WHEN suspect = 1 THEN 0 ELSE likely_mask END AS likely_mask, front, windows, windows_eos
  FROM hosts`;
