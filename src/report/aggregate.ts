// Census over host records in memory: the same answer Store.census gives, used where the
// store cannot group (trend fallback, notify bundles) and to cross-check the adapters.
import type { HostRecord } from '../core/host-record.js';
import type { CensusFilter, CensusRow, GroupKey } from '../store/store.js';
import { zeroRow } from './headline.js';

/** Past end of support on asOf, judged from the stored eol_date as the store does (no date: not EOL). */
export function isPastEol(r: HostRecord, asOf: string): boolean {
  const d = r.classification?.eolDate;
  return d !== null && d !== undefined && d !== '' && d < asOf;
}

/** Families with at least one CVE in the given status. */
export function familiesWith(r: HostRecord, status: 'vulnerable' | 'likely'): Set<string> {
  const out = new Set<string>();
  for (const v of r.classification?.vulns ?? []) if (v.status === status) out.add(v.family);
  return out;
}

/** Families a host is open to (vulnerable or likely). */
export function openFamilies(r: HostRecord): Set<string> {
  const out = familiesWith(r, 'vulnerable');
  for (const f of familiesWith(r, 'likely')) out.add(f);
  return out;
}

/** What 'family' grouping and filtering see: only on-premises Exchange counts, as in the store. */
function countedFamilies(r: HostRecord): Set<string> {
  return r.isExchange ? openFamilies(r) : new Set();
}

export function matchesFilter(r: HostRecord, f: CensusFilter | undefined, asOf: string): boolean {
  if (!f) return true;
  if (f.product?.length && !f.product.includes(r.classification?.product ?? '')) return false;
  if (f.eol !== undefined && isPastEol(r, asOf) !== f.eol) return false;
  if (f.country?.length && !f.country.includes(r.geo?.country ?? '')) return false;
  if (f.continent?.length && !f.continent.includes(r.geo?.continent ?? '')) return false;
  if (f.asn?.length && !f.asn.includes(r.asn?.number ?? -1)) return false;
  if (f.status?.length && !f.status.includes(r.status)) return false;
  if (f.family?.length) {
    const open = countedFamilies(r);
    if (!f.family.some((x) => open.has(x))) return false;
  }
  return true;
}

type GroupValue = string | number | boolean | null;

/** Values of one key for one record; 'family' may yield several (or one null). */
function keyValues(r: HostRecord, key: GroupKey, asOf: string, only?: string[]): GroupValue[] {
  switch (key) {
    case 'continent': return [r.geo?.continent ?? null];
    case 'country': return [r.geo?.country ?? null];
    case 'asn': return [r.asn?.number ?? null];
    case 'product': return [r.classification?.product ?? null];
    case 'release': return [r.classification?.release ?? null];
    case 'eol': return [r.classification?.eolDate ? isPastEol(r, asOf) : null];
    case 'status': return [r.status];
    case 'family': {
      // With a family filter, grouping shows only the filtered families.
      const open = [...countedFamilies(r)].filter((f) => !only?.length || only.includes(f)).sort();
      return open.length > 0 ? open : [null];
    }
  }
}

function emptyRow(group: CensusRow['group']): CensusRow {
  return { ...zeroRow(), group };
}

function addTo(row: CensusRow, r: HostRecord, asOf: string): void {
  row.hosts++;
  if (r.suspect) row.suspect++;
  if (!r.isExchange) return;
  row.exchange++;
  if (isPastEol(r, asOf)) row.eol++;
  for (const f of familiesWith(r, 'vulnerable')) row.vulnerable[f] = (row.vulnerable[f] ?? 0) + 1;
  for (const f of familiesWith(r, 'likely')) row.likely[f] = (row.likely[f] ?? 0) + 1;
}

/** Incremental census: feed records one by one, then read rows (sorted by exchange, then hosts). */
export class CensusAccumulator {
  private readonly rows = new Map<string, CensusRow>();
  constructor(
    private readonly groupBy: GroupKey[],
    private readonly asOf: string,
    private readonly filter?: CensusFilter,
  ) {}

  add(r: HostRecord): void {
    if (!matchesFilter(r, this.filter, this.asOf)) return;
    let combos: Array<CensusRow['group']> = [{}];
    for (const key of this.groupBy) {
      const next: Array<CensusRow['group']> = [];
      for (const v of keyValues(r, key, this.asOf, this.filter?.family)) for (const g of combos) next.push({ ...g, [key]: v });
      combos = next;
    }
    for (const g of combos) {
      const id = JSON.stringify(this.groupBy.map((k) => g[k]));
      let row = this.rows.get(id);
      if (!row) this.rows.set(id, (row = emptyRow(g)));
      addTo(row, r, this.asOf);
    }
  }

  result(): CensusRow[] {
    return [...this.rows.values()].sort((a, b) => b.exchange - a.exchange || b.hosts - a.hosts || JSON.stringify(a.group).localeCompare(JSON.stringify(b.group)));
  }
}

export async function censusOfHosts(
  hosts: Iterable<HostRecord> | AsyncIterable<HostRecord>,
  groupBy: GroupKey[],
  asOf: string,
  filter?: CensusFilter,
): Promise<CensusRow[]> {
  const acc = new CensusAccumulator(groupBy, asOf, filter);
  for await (const r of hosts) acc.add(r);
  return acc.result();
}
