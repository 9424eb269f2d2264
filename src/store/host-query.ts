// Host rows for a page of a table and one host by address: what the dashboard's host table and
// host page read. A page reads only hosts columns (no JSON); one host comes back whole.
import type { Observation } from '../core/observation.js';
import type { SqlDriver, SqlRow } from './driver.js';
import type { FamilyBits } from './families.js';
import type { HostFilter, HostPage, HostPageQuery, HostRow, HostSortKey, StoredHost } from './store.js';
import { buildWhere, type Where } from './census-sql.js';
import { plainRecordFromRow } from './plain-record.js';
import { hostRecordFromWire, rowToWire } from './record-codec.js';
import { VerdictCache, withVerdict } from './verdicts.js';

/** Sort keys and the column each orders by; ties always fall back to (ip, port). */
export const HOST_SORT_COLUMNS: Record<HostSortKey, string> = {
  ip: 'ip',
  port: 'port',
  hostname: 'hostname',
  product: 'product',
  release: 'release_name',
  eol_date: 'eol_date',
  country: 'country',
  asn: 'asn',
  observed_at: 'observed_at',
  status: 'status',
};

/** Every sort key of the host table, in the order above. */
export const HOST_SORT_KEYS = Object.keys(HOST_SORT_COLUMNS) as HostSortKey[];

/**
 * A row of an on-premises Exchange server as the census counts servers: Exchange, and no row of
 * its address (in the scan) is a suspect (servers-sql.ts: one suspect port makes the server one).
 */
export function exchangeServerRow(table: string): string {
  return `${table}.is_exchange = 1 AND NOT EXISTS (SELECT 1 FROM hosts sus WHERE sus.scan_id = ${table}.scan_id AND sus.ip = ${table}.ip AND sus.suspect = 1)`;
}

export function hostWhere(scanId: number, filter: HostFilter, fam: FamilyBits): Where {
  const where = buildWhere(scanId, filter, filter.asOf, fam);
  let sql = where.sql;
  if (filter.exchangeOnly) sql += ` AND ${exchangeServerRow('hosts')}`;
  if (filter.familyVerdict && filter.family?.length) {
    sql += ` AND (${filter.familyVerdict === 'vulnerable' ? 'vuln_mask' : 'likely_mask'} & ?) <> 0`;
    where.params.push(fam.maskOf(filter.family));
  }
  return { sql, params: where.params };
}

/** Columns of a host-table row (no JSON). */
export const HOST_ROW_COLUMNS = `ip, port, hostname, source, observed_at, status, is_exchange, suspect, product, release_name,
  build, eol_date, continent, country, asn, asn_org, vuln_mask, likely_mask, evidence_exchange, evidence_confidence`;

/** One page of a scan's host rows under a filter, and how many rows the filter keeps. */
export async function hostPage(db: SqlDriver, fam: FamilyBits, q: HostPageQuery): Promise<HostPage> {
  const w = hostWhere(q.scanId, q.filter, fam);
  const col = HOST_SORT_COLUMNS[q.sort];
  const dir = q.desc ? 'DESC' : 'ASC';
  // NULLs last in both directions and both databases: sort on "is null" first.
  const order =
    q.sort === 'ip'
      ? `ip ${dir}, port ${dir}`
      : `(${col} IS NULL) ASC, ${col} ${dir}, ip ${dir}, port ${dir}`;
  const [rows, count] = await Promise.all([
    db.all(`SELECT ${HOST_ROW_COLUMNS} FROM hosts WHERE ${w.sql} ORDER BY ${order} LIMIT ? OFFSET ?`, [
      ...w.params,
      q.limit,
      q.offset,
    ]),
    q.knownTotal !== undefined
      ? [{ n: q.knownTotal }]
      : db.all(`SELECT COUNT(*) AS n FROM hosts WHERE ${w.sql}`, w.params),
  ]);
  return { total: Number(count[0]?.n ?? 0), rows: rows.map((r) => hostRowOf(r, fam)) };
}

/** A selected HOST_ROW_COLUMNS row as a host-table row. */
export function hostRowOf(r: SqlRow, fam: FamilyBits): HostRow {
  return {
    ip: String(r.ip),
    port: Number(r.port),
    hostname: r.hostname === null ? null : String(r.hostname),
    source: String(r.source),
    observedAt: String(r.observed_at),
    status: String(r.status),
    isExchange: Number(r.is_exchange) === 1,
    suspect: Number(r.suspect) === 1,
    product: nullable(r.product),
    release: nullable(r.release_name),
    build: nullable(r.build),
    eolDate: nullable(r.eol_date),
    continent: nullable(r.continent),
    country: nullable(r.country),
    asn: r.asn === null || r.asn === undefined ? null : Number(r.asn),
    asnOrg: nullable(r.asn_org),
    vulnerable: fam.namesOf(Number(r.vuln_mask)),
    likely: fam.namesOf(Number(r.likely_mask)),
    evidence: nullable(r.evidence_exchange),
    confidence: nullable(r.evidence_confidence),
  };
}

function nullable(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

/**
 * A stored record's whole wire form: its JSON, with its row's fields (records stored since the
 * JSON leaves them out: it has no "ip") and its verdict's fields (records with a verdict id) put back.
 */
function storedWire(r: SqlRow, json: string, verdicts: VerdictCache): Record<string, unknown> {
  const w = JSON.parse(json) as Record<string, unknown>;
  return withVerdict('ip' in w ? w : Object.assign(rowToWire(r), w), r.verdict_id, verdicts);
}

/** A stored row (hosts joined with host_data) as the host it holds; null for a row with neither. */
export function hostFromRow(r: SqlRow, verdicts: VerdictCache): StoredHost | null {
  // No JSON: a plain record, rebuilt from its columns (or a row with neither, skipped).
  const record =
    typeof r.record === 'string'
      ? hostRecordFromWire(storedWire(r, r.record, verdicts))
      : plainRecordFromRow(r);
  if (!record) return null;
  const host: StoredHost = { record };
  const obs =
    r.observation instanceof Uint8Array
      ? Buffer.from(r.observation.buffer, r.observation.byteOffset, r.observation.byteLength).toString('utf8')
      : r.observation;
  if (typeof obs === 'string')
    host.observation =
      typeof r.observation_reader === 'string'
        ? { kind: 'line', reader: r.observation_reader, text: obs }
        : { kind: 'object', observation: JSON.parse(obs) as Observation };
  return host;
}

/** One host of a scan by address and port, whole (record and observation reference). */
export async function getHost(
  db: SqlDriver,
  scanId: number,
  ip: string,
  port: number,
): Promise<StoredHost | null> {
  const rows = await db.all(
    `SELECT h.*, d.record, d.observation, d.observation_reader, d.verdict_id FROM hosts h
     LEFT JOIN host_data d ON d.host_id = h.id WHERE h.scan_id = ? AND h.ip = ? AND h.port = ?`,
    [scanId, ip, port],
  );
  const r = rows[0];
  if (!r) return null;
  const verdicts = new VerdictCache(db);
  if (r.verdict_id !== null && r.verdict_id !== undefined) await verdicts.load([Number(r.verdict_id)]);
  return hostFromRow(r, verdicts);
}
