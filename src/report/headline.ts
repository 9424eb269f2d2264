// The headline census: the figures the published studies led with, from one grouped store
// query (no pass over the records in JavaScript).
import type { CensusFilter, CensusRow, ScanInfo, Store } from '../store/store.js';
import { runCensus } from './census-source.js';
import { knownFamilyOrder, loadReportData } from './report-data.js';

export interface Headline {
  scan: Pick<ScanInfo, 'id' | 'name' | 'source' | 'series' | 'startedAt' | 'observed'>;
  asOf: string;
  total: CensusRow;
  byProduct: CensusRow[];
  byContinent: CensusRow[];
  /** All countries, most Exchange servers first; formats show the top few. */
  byCountry: CensusRow[];
  /** CVE families seen, in the knowledge base's order (by publication). */
  families: string[];
  /** The families the published studies led with, and how many servers are open to any of them
   *  (null under a --family filter, whose rows are already limited to other families' servers). */
  headlineFamilies: string[];
  openToHeadlineFamilies: number | null;
}

export function zeroRow(): CensusRow {
  return { group: {}, hosts: 0, exchange: 0, suspect: 0, eol: 0, vulnerable: {}, likely: {}, notAssessed: 0 };
}

/** Families with any server affected (vulnerable or likely), in the knowledge base's order. */
export function orderFamilies(rows: CensusRow[]): string[] {
  const weight = new Map<string, number>();
  for (const r of rows) {
    for (const [f, n] of Object.entries(r.vulnerable)) weight.set(f, (weight.get(f) ?? 0) + n);
    for (const [f, n] of Object.entries(r.likely)) weight.set(f, (weight.get(f) ?? 0) + n);
  }
  const rank = new Map(knownFamilyOrder().map((f, i) => [f, i]));
  const pos = (f: string) => rank.get(f) ?? Number.MAX_SAFE_INTEGER;
  return [...weight.entries()]
    .filter(([, n]) => n > 0)
    .map(([f]) => f)
    .sort((a, b) => pos(a) - pos(b) || a.localeCompare(b));
}

const byExchange = (a: CensusRow, b: CensusRow) =>
  b.exchange - a.exchange ||
  b.hosts - a.hosts ||
  String(Object.values(a.group)[0]).localeCompare(String(Object.values(b.group)[0]));

/** Sums rows into one per value of `key` (rows must partition the records, as non-family keys do). */
export function foldBy(rows: CensusRow[], key: 'product' | 'continent' | 'country' | null): CensusRow[] {
  const out = new Map<string, CensusRow>();
  for (const r of rows) {
    const value = key ? (r.group[key] ?? null) : null;
    const id = JSON.stringify(value);
    let acc = out.get(id);
    if (!acc)
      out.set(id, (acc = { ...zeroRow(), group: key ? { [key]: value } : {}, vulnerable: {}, likely: {} }));
    acc.hosts += r.hosts;
    acc.exchange += r.exchange;
    acc.suspect += r.suspect;
    acc.eol += r.eol;
    acc.notAssessed = (acc.notAssessed ?? 0) + (r.notAssessed ?? 0);
    for (const [f, n] of Object.entries(r.vulnerable)) acc.vulnerable[f] = (acc.vulnerable[f] ?? 0) + n;
    for (const [f, n] of Object.entries(r.likely)) acc.likely[f] = (acc.likely[f] ?? 0) + n;
  }
  return [...out.values()];
}

/** One grouped query (product x continent x country), folded in memory into every section. */
export async function buildHeadline(
  store: Store,
  scan: ScanInfo,
  asOf: string,
  filter?: CensusFilter,
): Promise<Headline> {
  const rows = await runCensus(store, {
    scanId: scan.id,
    groupBy: ['product', 'continent', 'country'],
    asOf,
    ...(filter ? { filter } : {}),
  });
  const total = foldBy(rows, null)[0] ?? zeroRow();
  // Each server once, however many of the headline families it is open to (the store's family filter is a union).
  const { headlineFamilies } = loadReportData();
  const openToHeadlineFamilies = filter?.family?.length
    ? null
    : (
        await runCensus(store, {
          scanId: scan.id,
          groupBy: [],
          asOf,
          filter: { ...filter, family: headlineFamilies },
        })
      ).reduce((n, r) => n + r.exchange, 0);
  return {
    scan: {
      id: scan.id,
      name: scan.name,
      source: scan.source,
      series: scan.series,
      startedAt: scan.startedAt,
      observed: scan.observed,
    },
    asOf,
    total,
    byProduct: foldBy(rows, 'product')
      .filter((r) => r.exchange > 0 || r.suspect > 0)
      .sort(byExchange),
    byContinent: foldBy(rows, 'continent')
      .filter((r) => r.exchange > 0)
      .sort(byExchange),
    byCountry: foldBy(rows, 'country')
      .filter((r) => r.exchange > 0)
      .sort(byExchange),
    families: orderFamilies([total]),
    headlineFamilies,
    openToHeadlineFamilies,
  };
}
