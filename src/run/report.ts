// `excensus report`: picks the scan, runs the census queries, renders the chosen format.
import { printable } from '../core/printable.js';
import { mdText } from '../report/md-text.js';
import type { Writable } from 'node:stream';
import type { CensusFilter, CensusRow, GroupKey, HostFilter, ScanInfo, Store } from '../store/store.js';
import { jsonLine } from '../core/wire.js';
import { writeLine } from '../core/write-line.js';
import { GEO_ATTRIBUTION } from '../geo/attribution.js';
import { asnOrgs, resolveScan, runCensus } from '../report/census-source.js';
import { UNIT_NOTE, groupTable, headlineSentence, headlineTables } from '../report/census-tables.js';
import { buildHeadline, orderFamilies, type Headline } from '../report/headline.js';
import { checkColumnChoice, selectColumns, type ColumnChoice } from '../report/columns.js';
import {
  renderCsvTable,
  renderMarkdownTable,
  renderTextTable,
  type TextLayout,
} from '../report/render-text.js';
import { censusRowToJson } from '../report/row-json.js';
import type { Table } from '../report/table.js';
import { buildTrend, percentChange, trendPointToJson, type TrendPoint } from '../report/trend.js';
import {
  incompleteNote,
  judgedLabel,
  scanDate,
  scanDateLabel,
  unfinishedRejudgement,
} from '../report/scan-view.js';

export { parseFilter, parseGroupBy } from '../report/options.js';

export type ReportFormat = 'table' | 'json' | 'csv' | 'md' | 'html' | 'hosts';
export const REPORT_FORMATS: ReportFormat[] = ['table', 'json', 'csv', 'md', 'html', 'hosts'];

export interface ReportOptions {
  scan?: string;
  groupBy: GroupKey[];
  filter: CensusFilter;
  asOf: string;
  /** True when the user gave --as-of (trends then judge every scan on that date). */
  asOfGiven: boolean;
  format: ReportFormat;
  trend: boolean;
  topCountries: number;
  /** --columns / --wide: the terminal table shows its default columns unless these say otherwise. */
  columns?: ColumnChoice;
  /** The terminal's width when stdout is one (long cells are shortened to fit). */
  layout?: TextLayout;
}

const SECTIONS: Array<{ name: string; key?: 'product' | 'continent' | 'country' }> = [
  { name: 'total' },
  { name: 'product', key: 'product' },
  { name: 'continent', key: 'continent' },
  { name: 'country', key: 'country' },
];

function sectionRows(h: Headline, name: string, top: number): CensusRow[] {
  if (name === 'total') return [h.total];
  if (name === 'product') return h.byProduct;
  if (name === 'continent') return h.byContinent;
  return h.byCountry.slice(0, top);
}

/**
 * The tables in a readable or CSV format. The terminal table shows each table's default columns
 * (all with --wide); --columns picks columns in every format; CSV and Markdown otherwise keep all.
 */
function renderTables(tables: Table[], format: 'table' | 'md' | 'csv', o: ReportOptions): string {
  const choice = o.columns ?? {};
  checkColumnChoice(choice, tables);
  const picked = (t: Table) =>
    format === 'table' || choice.columns?.length
      ? selectColumns(t, format === 'table' ? choice : { columns: choice.columns ?? [] })
      : t;
  return tables
    .map(picked)
    .map((t) =>
      format === 'md'
        ? renderMarkdownTable(t)
        : format === 'csv'
          ? renderCsvTable(t)
          : renderTextTable(t, o.layout),
    )
    .join(format === 'csv' ? '' : '\n');
}

function trendTable(points: TrendPoint[]): Table {
  return {
    title: 'Trend across scans',
    columns: [
      { label: 'Scan' },
      { label: 'Date' },
      { label: 'Exchange', numeric: true },
      { label: 'EOL', numeric: true },
      { label: 'EOL change' },
      { label: 'Suspect', numeric: true },
      // the update state of the servers still supported, as --trend --json and /api/trend give it
      { label: 'Supported', numeric: true },
      { label: 'Up to date', numeric: true },
      { label: 'Behind on updates', numeric: true },
      { label: 'Update unknown', numeric: true },
    ],
    rows: points.map((p, i) => [
      p.scan.name,
      scanDate(p.scan),
      p.total.exchange,
      p.total.eol,
      i === 0 ? null : percentChange(points[i - 1]?.total.eol ?? 0, p.total.eol),
      p.total.suspect,
      p.total.exchange - p.total.eol,
      p.updates.current,
      p.updates.behind,
      p.updates.unknown,
    ]),
  };
}

async function writeTrend(store: Store, scan: ScanInfo, o: ReportOptions, out: Writable): Promise<void> {
  const points = await buildTrend(store, scan.series, o.asOfGiven ? o.asOf : undefined, scan.id);
  if (o.format === 'json') {
    for (const [i, p] of points.entries()) {
      const j = trendPointToJson(p, points[i - 1]);
      // the reported scan's point says if it is partial; any point says if it is partly re-judged
      const row = marked(j, p.scan.id === scan.id ? scan : { state: 'complete', options: p.scan.options });
      await writeLine(out, jsonLine(row));
    }
    return;
  }
  // the scan's own note, and one for each other point a reclassify left judged with two KBs
  const others = points.map((p) => p.scan).filter((s) => s.id !== scan.id && unfinishedRejudgement(s));
  for (const note of [scan, ...others].map(incompleteNote))
    if (note && o.format !== 'csv') out.write(`Note: ${note}.\n`);
  const t = trendTable(points);
  out.write(renderTables([t], o.format === 'csv' || o.format === 'md' ? o.format : 'table', o));
  const first = points[0];
  const last = points.at(-1);
  if (first && last && first !== last && o.format !== 'csv') {
    out.write(
      `\nEOL servers: ${first.total.eol.toLocaleString('en-US')} -> ${last.total.eol.toLocaleString('en-US')}, ${percentChange(first.total.eol, last.total.eol)}\n`,
    );
  }
}

/** Writes the host CSV export of a scan (default: the latest; filters apply) to `out`; returns the hosts written. */
export async function writeHostsCsv(
  store: Store,
  q: { scan?: string; filter: HostFilter; asOf: string },
  out: Writable,
): Promise<number> {
  const scan = await resolveScan(store, q.scan, { refuseEmpty: true });
  return hostsCsv(store, scan.id, q.filter, q.asOf, out);
}

async function hostsCsv(
  store: Store,
  scanId: number,
  filter: HostFilter,
  asOf: string,
  out: Writable,
): Promise<number> {
  // loaded by the formats that use them: a table report starts without them
  const { HOSTS_CSV_HEADER, hostCsvLine } = await import('../report/hosts-csv.js');
  out.write(HOSTS_CSV_HEADER);
  let n = 0;
  for await (const h of store.iterateHosts(scanId, { ...filter, asOf })) {
    if (!out.write(hostCsvLine(h.record, asOf))) await new Promise((r) => out.once('drain', r));
    n++;
  }
  return n;
}

export interface CensusRequest {
  /** Scan id or name; default: the latest. */
  scan?: string;
  groupBy: GroupKey[];
  filter: CensusFilter;
  asOf: string;
  /** A scan holding no record is an error (E_EMPTY_SCAN), as `report` makes it. */
  refuseEmpty?: boolean;
}

export interface CensusResult {
  scan: ScanInfo;
  groupBy: GroupKey[];
  asOf: string;
  rows: CensusRow[];
  /** The scan's total under the same filter (for shares). */
  total: CensusRow;
  /** Organisation names of the AS numbers in `rows` (grouped by asn only). */
  asnOrgs?: Map<number, string>;
}

/** The census grouped by `groupBy` (the numbers `report --by ... --json` prints and the API serves). */
export async function census(store: Store, q: CensusRequest): Promise<CensusResult> {
  const scan = await resolveScan(store, q.scan, { refuseEmpty: q.refuseEmpty ?? false });
  return groupedCensus(store, scan, q);
}

async function groupedCensus(store: Store, scan: ScanInfo, q: CensusRequest): Promise<CensusResult> {
  const rows = await runCensus(store, {
    scanId: scan.id,
    groupBy: q.groupBy,
    asOf: q.asOf,
    filter: q.filter,
  });
  const orgs = q.groupBy.includes('asn') ? await asnOrgs(store, scan.id, rows) : undefined;
  // grouped rows need only the scan's total (for shares), not the whole headline
  const [total] =
    q.groupBy.length === 0
      ? rows
      : await runCensus(store, { scanId: scan.id, groupBy: [], asOf: q.asOf, filter: q.filter });
  return { scan, groupBy: q.groupBy, asOf: q.asOf, rows, total: total!, ...(orgs ? { asnOrgs: orgs } : {}) };
}

/**
 * A census as the JSON objects `report --json` prints, one per row (marked when the scan is not
 * complete), one at a time (a census by network has tens of thousands).
 */
export function* censusJsonRows(c: CensusResult): Generator<Record<string, unknown>> {
  const ctx = {
    scanName: c.scan.name,
    asOf: c.asOf,
    total: c.total,
    ...(c.asnOrgs ? { asnOrgs: c.asnOrgs } : {}),
  };
  for (const r of c.rows) yield marked(censusRowToJson(r, ctx), c.scan);
}

/**
 * A JSON row of an incomplete scan says so (`complete: false`), and one of a scan a reclassify
 * left judged with two KBs (`partly_rejudged: true`); a complete scan's rows are unchanged.
 */
function marked(
  row: Record<string, unknown>,
  scan: Pick<ScanInfo, 'state' | 'options'>,
): Record<string, unknown> {
  const r = scan.state === 'complete' ? row : { ...row, complete: false, scan_state: scan.state };
  return unfinishedRejudgement(scan) ? { ...r, partly_rejudged: true } : r;
}

export async function writeReport(store: Store, o: ReportOptions, out: Writable): Promise<void> {
  const scan = await resolveScan(store, o.scan, { refuseEmpty: true });
  const note = incompleteNote(scan);
  if (o.trend) return writeTrend(store, scan, o, out);
  if (o.format === 'hosts') {
    await hostsCsv(store, scan.id, o.filter, o.asOf, out);
    return;
  }
  const c = o.groupBy.length > 0 ? await groupedCensus(store, scan, o) : null;
  const grouped = c?.rows ?? null;
  const orgs = c?.asnOrgs;
  if (c && (o.format === 'json' || o.format === 'csv')) {
    if (o.format === 'json') for (const row of censusJsonRows(c)) await writeLine(out, jsonLine(row));
    else
      out.write(
        renderTables(
          [groupTable('census', c.rows, o.groupBy, c.total, orderFamilies(c.rows), orgs)],
          'csv',
          o,
        ),
      );
    return;
  }
  const headline = await buildHeadline(store, scan, o.asOf, o.filter);
  const families = grouped ? orderFamilies(grouped) : headline.families;

  if (o.format === 'json') {
    const ctx = { scanName: scan.name, asOf: o.asOf, total: headline.total };
    for (const s of SECTIONS)
      for (const r of sectionRows(headline, s.name, o.topCountries))
        await writeLine(out, jsonLine(marked(censusRowToJson(r, { ...ctx, section: s.name }), scan)));
    return;
  }
  if (o.format === 'csv') {
    out.write(renderTables([sectionsTable(headline, o.topCountries)], 'csv', o));
    return;
  }
  // Readable formats show only the families some row is open to; CSV above keeps every column.
  const open = grouped
    ? families.filter((f) => grouped.some((r) => (r.vulnerable[f] ?? 0) + (r.likely[f] ?? 0) > 0))
    : families;
  const tables = grouped
    ? [
        groupTable(
          `By ${o.groupBy.join(', ')}`,
          grouped,
          o.groupBy,
          headline.total,
          open,
          orgs,
          headline.headlineFamilies,
        ),
      ]
    : headlineTables(headline, o.topCountries);
  const lead = headlineSentence(headline);
  if (o.format === 'html') {
    const trend = await buildTrend(store, scan.series, o.asOfGiven ? o.asOf : undefined, scan.id);
    const { MADE_UP_GEO_NOTE, renderHtmlReport } = await import('../report/html/html-report.js');
    out.write(
      renderHtmlReport({
        headline,
        tables: grouped ? [...headlineTables(headline, o.topCountries), ...tables] : tables,
        trend,
        attribution: GEO_ATTRIBUTION,
        lead,
        judged: judgedLabel(o.asOf, scan),
        ...(scan.options.made_up_geo === true ? { madeUpGeo: MADE_UP_GEO_NOTE } : {}),
        ...(note ? { partial: note } : {}),
      }),
    );
    return;
  }
  const title = `Exchange census: scan "${scan.name}" (#${scan.id}, ${scan.source}, data of ${scanDateLabel(scan)}), ${judgedLabel(o.asOf, scan)}`;
  const caveat = note ? `Note: ${note}.\n` : '';
  if (o.format === 'md')
    out.write(
      `## ${mdText(title)}\n\n${caveat ? `${caveat}\n` : ''}${lead}\n\n${renderTables(tables, 'md', o)}\n${UNIT_NOTE}\n\n_${GEO_ATTRIBUTION}_\n`,
    );
  else
    out.write(`${printable(title)}\n${caveat}${lead}\n\n${renderTables(tables, 'table', o)}\n${UNIT_NOTE}\n`);
}

/** The headline as one CSV table: a section column, a group label, then the counts. */
function sectionsTable(h: Headline, top: number): Table {
  const families = h.families;
  const rows: Table['rows'] = [];
  let columns: Table['columns'] = [];
  for (const s of SECTIONS) {
    const keys = s.key ? [s.key] : [];
    const t = groupTable(s.name, sectionRows(h, s.name, top), keys, h.total, families);
    columns = [{ label: 'section' }, { label: 'group' }, ...t.columns.slice(keys.length)];
    for (const r of t.rows) rows.push([s.name, s.key ? (r[0] ?? null) : 'all', ...r.slice(keys.length)]);
  }
  return { title: 'census', columns, rows };
}
