// The headline census: the figures the published studies led with, from one grouped store
// query (no pass over the records in JavaScript).
import type { CensusFilter, CensusRow, ScanInfo, Store } from '../store/store.js';
import { runCensus } from './census-source.js';

export interface Headline {
  scan: Pick<ScanInfo, 'id' | 'name' | 'source' | 'series' | 'startedAt'>;
  asOf: string;
  total: CensusRow;
  byProduct: CensusRow[];
  byContinent: CensusRow[];
  /** All countries, most Exchange servers first; formats show the top few. */
  byCountry: CensusRow[];
  /** CVE families seen, most affected first. */
  families: string[];
}

export function zeroRow(): CensusRow {
  return { group: {}, hosts: 0, exchange: 0, suspect: 0, eol: 0, vulnerable: {}, likely: {} };
}

/** Families ordered by servers affected (vulnerable + likely), then name. */
export function orderFamilies(rows: CensusRow[]): string[] {
  const weight = new Map<string, number>();
  for (const r of rows) {
    for (const [f, n] of Object.entries(r.vulnerable)) weight.set(f, (weight.get(f) ?? 0) + n);
    for (const [f, n] of Object.entries(r.likely)) weight.set(f, (weight.get(f) ?? 0) + n);
  }
  return [...weight.entries()].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([f]) => f);
}

const byExchange = (a: CensusRow, b: CensusRow) => b.exchange - a.exchange || b.hosts - a.hosts || String(Object.values(a.group)[0]).localeCompare(String(Object.values(b.group)[0]));

/** Sums rows into one per value of `key` (rows must partition the records, as non-family keys do). */
export function foldBy(rows: CensusRow[], key: 'product' | 'continent' | 'country' | null): CensusRow[] {
  const out = new Map<string, CensusRow>();
  for (const r of rows) {
    const value = key ? (r.group[key] ?? null) : null;
    const id = JSON.stringify(value);
    let acc = out.get(id);
    if (!acc) out.set(id, (acc = { ...zeroRow(), group: key ? { [key]: value } : {}, vulnerable: {}, likely: {} }));
    acc.hosts += r.hosts;
    acc.exchange += r.exchange;
    acc.suspect += r.suspect;
    acc.eol += r.eol;
    for (const [f, n] of Object.entries(r.vulnerable)) acc.vulnerable[f] = (acc.vulnerable[f] ?? 0) + n;
    for (const [f, n] of Object.entries(r.likely)) acc.likely[f] = (acc.likely[f] ?? 0) + n;
  }
  return [...out.values()];
}

/** One grouped query (product x continent x country), folded in memory into every section. */
export async function buildHeadline(store: Store, scan: ScanInfo, asOf: string, filter?: CensusFilter): Promise<Headline> {
  const rows = await runCensus(store, { scanId: scan.id, groupBy: ['product', 'continent', 'country'], asOf, ...(filter ? { filter } : {}) });
  const total = foldBy(rows, null)[0] ?? zeroRow();
  return {
    scan: { id: scan.id, name: scan.name, source: scan.source, series: scan.series, startedAt: scan.startedAt },
    asOf,
    total,
    byProduct: foldBy(rows, 'product').filter((r) => r.exchange > 0 || r.suspect > 0).sort(byExchange),
    byContinent: foldBy(rows, 'continent').filter((r) => r.exchange > 0).sort(byExchange),
    byCountry: foldBy(rows, 'country').filter((r) => r.exchange > 0).sort(byExchange),
    families: orderFamilies([total]),
  };
}
