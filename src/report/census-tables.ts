// Census rows -> format-neutral tables: the headline sections and any --by grouping.
import { NOT_ASSESSED, productAssessed } from './assessed.js';
import type { CensusRow, GroupKey } from '../store/store.js';
import type { Headline } from './headline.js';
import { groupFields } from './row-json.js';
import { countryCell } from './names.js';
import { formatCount, share, type Cell, type Column, type Table } from './table.js';

const GROUP_LABELS: Record<GroupKey, string> = {
  continent: 'Continent',
  country: 'Country',
  asn: 'ASN',
  product: 'Product',
  release: 'Release',
  eol: 'Past EOL',
  family: 'CVE family',
  status: 'Status',
  port: 'Port',
  fronted: 'Front',
  windows: 'Windows',
};

/** Display cells for a group (country shows code and name, ASN shows number and org). */
function groupCells(row: CensusRow, keys: GroupKey[], asnOrgs?: Map<number, string>): Cell[] {
  const f = groupFields(row.group, asnOrgs);
  return keys.map((k) => {
    switch (k) {
      case 'continent':
        return (f.continent as string | null) ?? 'unknown';
      case 'country':
        return f.country ? countryCell(String(f.country)) : 'unknown';
      case 'asn':
        return f.asn === null ? 'unknown' : `AS${String(f.asn)}${f.asn_org ? ` ${String(f.asn_org)}` : ''}`;
      case 'eol':
        return f.past_eol === null ? '-' : f.past_eol ? 'yes' : 'no';
      default: {
        const v = f[k];
        return v === null || v === undefined ? 'unknown' : String(v);
      }
    }
  });
}

/**
 * One table for a --by grouping: counts, shares, then vulnerable/likely per family. The terminal
 * shows the group, servers, Exchange, share, EOL and the vulnerable counts of `shownFamilies` (the
 * headline families of data/report.yaml); the other columns are `extra` (--wide).
 */
export function groupTable(
  title: string,
  rows: CensusRow[],
  keys: GroupKey[],
  total: CensusRow,
  families: string[],
  asnOrgs?: Map<number, string>,
  shownFamilies: string[] = families,
): Table {
  // Servers no CVE family was judged for: shown whenever the total has any (one column set for all rows).
  const unjudged = (total.notAssessed ?? 0) > 0 || rows.some((r) => (r.notAssessed ?? 0) > 0);
  const columns: Column[] = [
    ...keys.map((k) => ({
      label: GROUP_LABELS[k],
      key: k,
      // "Exchange Server 2016 CU19 Mar21SU": the end tells releases apart
      ...(k === 'release' || k === 'product' ? { cut: 'start' as const } : {}),
    })),
    // the unit: servers (IP addresses), or ip:port records when grouped by port
    { label: keys.includes('port') ? 'Records' : 'Servers', numeric: true },
    { label: 'Exchange', numeric: true },
    { label: 'Share', numeric: true, percent: true },
    { label: 'Suspect', numeric: true, extra: true },
    { label: 'EOL', numeric: true },
    { label: 'EOL share', numeric: true, percent: true, extra: true },
    ...(unjudged ? [{ label: 'CVEs not assessed', numeric: true }] : []),
    ...families.flatMap((f) => [
      { label: f, numeric: true, extra: !shownFamilies.includes(f) },
      { label: `${f} likely`, numeric: true, extra: true },
    ]),
  ];
  const body = rows.map((r) => [
    ...groupCells(r, keys, asnOrgs),
    r.hosts,
    r.exchange,
    share(r.exchange, total.exchange),
    r.suspect,
    r.eol,
    share(r.eol, total.eol),
    ...(unjudged ? [r.notAssessed ?? 0] : []),
    ...(productAssessed(r.group.product as string | null | undefined)
      ? families.flatMap((f) => [r.vulnerable[f] ?? 0, r.likely[f] ?? 0])
      : families.flatMap(() => [NOT_ASSESSED, NOT_ASSESSED])),
  ]);
  return { title, columns, rows: body };
}

export function headlineTables(h: Headline, topCountries = 10): Table[] {
  const t = h.total;
  const summary: Table = {
    title: 'Census',
    columns: [
      { label: 'Measure' },
      { label: 'Servers', numeric: true },
      { label: 'Share', numeric: true, percent: true },
    ],
    rows: [
      ['Servers in scan', t.hosts, null],
      ['On-premises Exchange', t.exchange, 1],
      ['Past end of support', t.eol, share(t.eol, t.exchange)],
      ['Suspects (counted separately)', t.suspect, null],
      ...((t.notAssessed ?? 0) > 0
        ? [
            [
              'CVEs not assessed (no CVE record)',
              t.notAssessed ?? 0,
              share(t.notAssessed ?? 0, t.exchange),
            ] as Cell[],
          ]
        : []),
    ],
  };
  const products: Table = {
    title: 'By product',
    columns: [
      { label: 'Product' },
      { label: 'Exchange', numeric: true },
      { label: 'Share', numeric: true, percent: true },
      { label: 'EOL', numeric: true },
      { label: 'Suspect', numeric: true },
    ],
    rows: h.byProduct.map((r) => [
      String(r.group.product ?? 'unknown build'),
      r.exchange,
      share(r.exchange, t.exchange),
      r.eol,
      r.suspect,
    ]),
  };
  const families: Table = {
    title: 'Open to CVE families',
    columns: [
      { label: 'Family' },
      { label: 'Vulnerable', numeric: true },
      { label: 'Share', key: 'vulnerable-share', numeric: true, percent: true },
      { label: 'Likely', numeric: true },
      { label: 'Share', key: 'likely-share', numeric: true, percent: true },
    ],
    rows: h.families.map((f) => [
      f,
      t.vulnerable[f] ?? 0,
      share(t.vulnerable[f] ?? 0, t.exchange),
      t.likely[f] ?? 0,
      share(t.likely[f] ?? 0, t.exchange),
    ]),
  };
  const place = (title: string, rows: CensusRow[], key: 'continent' | 'country'): Table => ({
    title,
    columns: [
      { label: key === 'continent' ? 'Continent' : 'Country' },
      { label: 'Exchange', numeric: true },
      { label: 'Share', numeric: true, percent: true },
      { label: 'EOL', numeric: true },
      { label: 'Share of EOL', numeric: true, percent: true },
    ],
    rows: rows.map((r) => [
      groupCells(r, [key])[0] ?? 'unknown',
      r.exchange,
      share(r.exchange, t.exchange),
      r.eol,
      share(r.eol, t.eol),
    ]),
  });
  return [
    summary,
    products,
    families,
    place('By continent', h.byContinent, 'continent'),
    place(`Top ${topCountries} countries`, h.byCountry.slice(0, topCountries), 'country'),
  ];
}

/** The one-sentence lead, shaped like the published studies. */
export function headlineSentence(h: Headline): string {
  const t = h.total;
  const lead = h.byContinent.filter((r) => r.eol > 0).sort((a, b) => b.eol - a.eol)[0];
  const parts = [
    `${formatCount(t.exchange)} on-premises Exchange servers, ${formatCount(t.eol)} past end of support`,
  ];
  if (lead && t.eol > 0) {
    const name = groupCells(lead, ['continent'])[0];
    parts.push(`${(share(lead.eol, t.eol) * 100).toFixed(1)}% of those in ${String(name)}`);
  }
  const names =
    h.headlineFamilies.length > 1
      ? `${h.headlineFamilies.slice(0, -1).join(', ')} or ${h.headlineFamilies.at(-1)}`
      : (h.headlineFamilies[0] ?? '');
  if (names && h.openToHeadlineFamilies !== null)
    parts.push(`${formatCount(h.openToHeadlineFamilies)} open to ${names} by build (vulnerable or likely)`);
  const unjudged = t.notAssessed ?? 0;
  if (unjudged > 0) {
    const products = h.byProduct.filter((r) => (r.notAssessed ?? 0) > 0).map((r) => String(r.group.product));
    parts.push(
      `CVEs not assessed for ${formatCount(unjudged)} server${unjudged === 1 ? '' : 's'}${products.length ? ` (${products.join(', ')})` : ''}`,
    );
  }
  if (t.suspect > 0) parts.push(`${formatCount(t.suspect)} suspects not counted`);
  return parts.join('; ') + '.';
}

/** What the census counts, said in every readable report. */
export const UNIT_NOTE =
  'Counts are servers (IP addresses): a server answering on several ports counts once, judged by the most precise build any port gave, and as a suspect if any port is. `--by port` counts ip:port records.';
