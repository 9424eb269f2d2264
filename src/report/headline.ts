// The headline census: the figures the published studies led with, from a handful of
// grouped store queries (no pass over the records).
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

export async function buildHeadline(store: Store, scan: ScanInfo, asOf: string, filter?: CensusFilter): Promise<Headline> {
  const q = (groupBy: Parameters<typeof runCensus>[1]['groupBy']) => runCensus(store, { scanId: scan.id, groupBy, asOf, ...(filter ? { filter } : {}) });
  const [total, byProduct, byContinent, byCountry] = await Promise.all([q([]), q(['product']), q(['continent']), q(['country'])]);
  return {
    scan: { id: scan.id, name: scan.name, source: scan.source, series: scan.series, startedAt: scan.startedAt },
    asOf,
    total: total[0] ?? zeroRow(),
    byProduct: byProduct.filter((r) => r.exchange > 0 || r.suspect > 0).sort(byExchange),
    byContinent: byContinent.filter((r) => r.exchange > 0).sort(byExchange),
    byCountry: byCountry.filter((r) => r.exchange > 0).sort(byExchange),
    families: orderFamilies(total),
  };
}
