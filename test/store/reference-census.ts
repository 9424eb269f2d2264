// The census semantics of store.ts written the plain way, record by record, so the cube
// queries can be checked against something that shares none of their SQL.
import type { HostRecord } from '../../src/core/host-record.js';
import { combineServer } from '../../src/core/server.js';
import type { CensusFilter, CensusRow, GroupKey } from '../../src/store/store.js';

type Value = string | number | boolean | null;

function openFamilies(r: HostRecord, status?: 'vulnerable' | 'likely'): Set<string> {
  if (!r.isExchange || !r.classification) return new Set();
  return new Set(
    r.classification.vulns
      .filter((v) => (status ? v.status === status : v.status === 'vulnerable' || v.status === 'likely'))
      .map((v) => v.family),
  );
}

function matches(r: HostRecord, f: CensusFilter, asOf: string): boolean {
  const c = r.classification;
  const eolDate = c?.eolDate ?? null;
  if (f.product?.length && !f.product.includes(c?.product as string)) return false;
  if (f.country?.length && !f.country.includes(r.geo?.country as string)) return false;
  if (f.continent?.length && !f.continent.includes(r.geo?.continent as string)) return false;
  if (f.asn?.length && !f.asn.includes(r.asn?.number as number)) return false;
  if (f.status?.length && !f.status.includes(r.status)) return false;
  if (f.eol === true && !(eolDate !== null && eolDate < asOf)) return false;
  if (f.eol === false && !(eolDate === null || eolDate >= asOf)) return false;
  if (f.family?.length && ![...openFamilies(r)].some((x) => f.family?.includes(x))) return false;
  return true;
}

function keyValue(r: HostRecord, k: Exclude<GroupKey, 'family'>, asOf: string): Value {
  const c = r.classification;
  switch (k) {
    case 'continent':
      return r.geo?.continent ?? null;
    case 'country':
      return r.geo?.country ?? null;
    case 'asn':
      return r.asn?.number ?? null;
    case 'product':
      return c?.product ?? null;
    case 'release':
      return c?.release ?? null;
    case 'status':
      return r.status;
    case 'eol':
      return c?.eolDate ? c.eolDate < asOf : null;
    case 'port':
      return r.port;
    case 'fronted':
      return r.evidence.fronted ? (r.evidence.front ?? 'proxy') : 'none';
    case 'windows': {
      const w = r.windows;
      if (!w) return null;
      const name = w.product ?? `Windows ${w.version}`;
      return w.endOfSupport !== null && w.endOfSupport <= asOf ? `${name} (unsupported)` : name;
    }
  }
}

/** Records as the census counts them: servers (one per address, core/server.ts), or records by port. */
function counted(records: HostRecord[], groupBy: GroupKey[]): HostRecord[] {
  if (groupBy.includes('port')) return records;
  const byIp = new Map<string, HostRecord[]>();
  for (const r of records) byIp.set(r.ip, [...(byIp.get(r.ip) ?? []), r]);
  return [...byIp.values()].map((rs) => combineServer(rs));
}

/** Rows with zero family counts dropped, keyed by group, for order-free comparison. */
export function referenceCensus(
  records: HostRecord[],
  groupBy: GroupKey[],
  asOf: string,
  filter: CensusFilter = {},
): Map<string, CensusRow> {
  const out = new Map<string, CensusRow>();
  for (const r of counted(records, groupBy)) {
    if (!matches(r, filter, asOf)) continue;
    const open = [...openFamilies(r)].filter((x) => !filter.family?.length || filter.family.includes(x));
    const fams: Array<string | null> = groupBy.includes('family') && open.length > 0 ? open : [null];
    for (const fam of fams) {
      const group: Partial<Record<GroupKey, Value>> = {};
      for (const k of groupBy) group[k] = k === 'family' ? fam : keyValue(r, k, asOf);
      const id = JSON.stringify(groupBy.map((k) => group[k]));
      let row = out.get(id);
      if (!row)
        out.set(id, (row = { group, hosts: 0, exchange: 0, suspect: 0, eol: 0, vulnerable: {}, likely: {} }));
      const eolDate = r.classification?.eolDate ?? null;
      row.hosts += 1;
      if (r.isExchange) row.exchange += 1;
      if (r.suspect) row.suspect += 1;
      if (r.isExchange && eolDate !== null && eolDate < asOf) row.eol += 1;
      for (const x of openFamilies(r, 'vulnerable')) row.vulnerable[x] = (row.vulnerable[x] ?? 0) + 1;
      for (const x of openFamilies(r, 'likely')) row.likely[x] = (row.likely[x] ?? 0) + 1;
      if (groupBy.includes('asn') && r.asn?.org && (!row.asnOrg || r.asn.org > row.asnOrg))
        row.asnOrg = r.asn.org;
      else if (groupBy.includes('asn') && row.asnOrg === undefined) row.asnOrg = null;
    }
  }
  return out;
}

/** A store's rows in the reference's form: keyed by group, zero family counts dropped. */
export function normalise(rows: CensusRow[], groupBy: GroupKey[]): Map<string, CensusRow> {
  const nonZero = (m: Record<string, number>) =>
    Object.fromEntries(Object.entries(m).filter(([, n]) => n !== 0));
  return new Map(
    rows.map((r) => [
      JSON.stringify(groupBy.map((k) => r.group[k] ?? null)),
      { ...r, vulnerable: nonZero(r.vulnerable), likely: nonZero(r.likely) },
    ]),
  );
}
