// The JSON Lines shape of a census group (documented in docs/report-json.md; scripts rely on it).
import type { CensusRow, GroupKey } from '../store/store.js';
import { continentLabel, countryLabel } from './names.js';
import { share } from './table.js';
import { productAssessed } from './assessed.js';

export interface RowContext {
  scanName: string;
  asOf: string;
  /** Totals the shares are taken of (the whole filtered scan). */
  total: CensusRow;
  asnOrgs?: Map<number, string>;
  /** Set in the headline output: "total", "product", "continent", "country". */
  section?: string;
}

/** Group fields by name: continent as English name (+ code), country as ISO code (+ name), asn + asn_org. */
export function groupFields(
  group: CensusRow['group'],
  asnOrgs?: Map<number, string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(group) as Array<[GroupKey, CensusRow['group'][GroupKey]]>) {
    switch (key) {
      case 'continent':
        out.continent = continentLabel(value as string | null);
        out.continent_code = value ?? null;
        break;
      case 'country':
        out.country = value ?? null;
        out.country_name = countryLabel(value as string | null);
        break;
      case 'asn':
        out.asn = value === null || value === undefined ? null : Number(value);
        out.asn_org = value === null || value === undefined ? null : (asnOrgs?.get(Number(value)) ?? null);
        break;
      case 'eol':
        // "eol" is the count below; the group flag gets its own name.
        out.past_eol = value ?? null;
        break;
      default:
        out[key] = value ?? null;
    }
  }
  return out;
}

function sortedCounts(m: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).sort((a, b) => a[0].localeCompare(b[0])));
}

export function censusRowToJson(row: CensusRow, ctx: RowContext): Record<string, unknown> {
  return {
    scan: ctx.scanName,
    as_of: ctx.asOf,
    ...(ctx.section ? { section: ctx.section } : {}),
    ...groupFields(row.group, ctx.asnOrgs),
    hosts: row.hosts,
    exchange: row.exchange,
    suspect: row.suspect,
    eol: row.eol,
    exchange_share: round4(share(row.exchange, ctx.total.exchange)),
    eol_share: round4(share(row.eol, ctx.total.eol)),
    vulnerable: sortedCounts(row.vulnerable),
    likely: sortedCounts(row.likely),
    // servers of products with no CVE record: 0 vulnerable above does not mean clean for them
    ...(row.notAssessed ? { cves_not_assessed: row.notAssessed } : {}),
    // a product with no CVE record: its empty counts mean "not assessed", not "none"
    ...(productAssessed(row.group.product as string | null | undefined) ? {} : { cves_assessed: false }),
  };
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
