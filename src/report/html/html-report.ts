// One self-contained HTML file: inline CSS and SVG only, and a CSP that forbids loading
// anything, so opening the report never contacts a server.
import type { Headline } from '../headline.js';
import type { Table } from '../table.js';
import { displayCell } from '../table.js';
import type { TrendPoint } from '../trend.js';
import { continentLabel } from '../names.js';
import { CHART_CSS, EOL_BAR_KEY, renderBarChart, renderTrendChart, trendLabel } from './charts.js';
import { UNIT_NOTE } from '../census-tables.js';
import { joinList } from '../../core/text.js';
import { esc } from './escape.js';
import { scanDateLabel } from '../scan-view.js';
import { mapLegend, renderWorldMap } from './world-map.js';

/** The census's bar charts and trend line: one drawing for the static report and the dashboard. */
export function censusCharts(
  h: Headline,
  points: TrendPoint[],
): { continents: string; products: string; trend: string } {
  const continents = renderBarChart(
    'continent-chart',
    'By continent',
    h.byContinent.map((r) => ({
      label: continentLabel(r.group.continent as string | null) ?? 'unknown',
      value: r.exchange,
      part: r.eol,
    })),
    EOL_BAR_KEY,
  );
  const products = renderBarChart(
    'product-chart',
    'By product',
    h.byProduct
      .filter((r) => r.exchange > 0)
      .map((r) => ({ label: String(r.group.product ?? 'unknown build'), value: r.exchange, part: r.eol })),
    EOL_BAR_KEY,
  );
  const trend = renderTrendChart('trend-chart', points.map(trendLabel), [
    { name: 'Exchange', colour: '#3c78b4', values: points.map((p) => p.total.exchange) },
    { name: 'Past end of support', colour: '#c9373c', values: points.map((p) => p.total.eol) },
    { name: 'Suspects', colour: '#999999', values: points.map((p) => p.total.suspect) },
  ]);
  return { continents, products, trend };
}

export interface HtmlReportInput {
  headline: Headline;
  tables: Table[];
  trend: TrendPoint[];
  /** Geo data attribution (licence notice of the geolocation database). */
  attribution: string;
  lead: string;
  /** What its date means for support and CVEs (judgedLabel). */
  judged: string;
  /** Set when the scan's countries and networks are made up (the lab's ground truth): said under the map. */
  madeUpGeo?: string;
  /** Set when the scan is not complete (interrupted, running, shards left): said under the title. */
  partial?: string;
}

// Narrow screens (400 px): tables scroll inside their own box, bars put labels above the bar,
// the trend chart is never drawn wider than 600 px, so its 15-unit text stays >= 11 px.
const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1000px;color:#222;padding:0 1rem;overflow-wrap:anywhere}
h1{font-size:1.6rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
.table{overflow-x:auto;max-width:100%}table{border-collapse:collapse;margin:.5rem 0}
td,th{padding:.2rem .6rem;border-bottom:1px solid #eee;overflow-wrap:normal}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
svg{width:100%;height:auto;display:block}svg text{font-size:15px;fill:#333}.trend{max-width:600px}
.country{stroke:#fff;stroke-width:.4}.lead{font-size:1.1rem}
.swatch{display:inline-block;width:18px;height:10px;margin:0 4px 0 8px;vertical-align:baseline}
.legend,.key{font-size:13px;color:#444}.legend .range{white-space:nowrap}.note{color:#555;font-size:13px}
.empty{padding:1rem;background:#f4f5f7;color:#444}
footer{margin-top:3rem;font-size:.85rem;color:#555;border-top:1px solid #ddd;padding-top:.5rem}`;

function tableHtml(t: Table): string {
  const head = t.columns.map((c) => `<th${c.numeric ? ' class="n"' : ''}>${esc(c.label)}</th>`).join('');
  const rows = t.rows.map(
    (r) =>
      `<tr>${r
        .map((v, i) => {
          const col = t.columns[i] ?? { label: '' };
          return `<td${col.numeric ? ' class="n"' : ''}>${esc(displayCell(v, col))}</td>`;
        })
        .join('')}</tr>`,
  );
  return `<h2>${esc(t.title)}</h2><div class="table"><table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

export const MADE_UP_GEO_NOTE =
  "Countries and networks in this scan are made up: they come from the lab fleet's ground truth (excensus lab on loopback addresses), not from geolocation data.";

/** The map, its key, and what is not on it; a census without any country says so instead. */
export function renderMapSection(counts: Map<string, number>, madeUpGeo?: string): string {
  const note = madeUpGeo ? `<p class="note" id="geo-note">${esc(madeUpGeo)}</p>` : '';
  if ([...counts.values()].every((n) => n <= 0))
    return `<p class="empty" id="world-map">No server in this census has a known country, so there is no map: the records carried no location and none was looked up (ingested with --no-geo, or addresses outside the geolocation data).</p>${note}`;
  const map = renderWorldMap(counts);
  const unmapped = map.unmapped.length > 0 ? `<p>Not on the map: ${esc(joinList(map.unmapped))}.</p>` : '';
  return `${map.svg}\n${mapLegend(Math.max(0, ...counts.values()))}${unmapped}${note}`;
}

export function renderHtmlReport(input: HtmlReportInput): string {
  const h = input.headline;
  const counts = new Map<string, number>();
  for (const r of h.byCountry)
    if (typeof r.group.country === 'string') counts.set(r.group.country, r.exchange);
  const { continents, products, trend } = censusCharts(h, input.trend);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`Exchange census: ${h.scan.name}`)}</title><style>${CSS}
${CHART_CSS}</style></head>
<body>
<h1>Exchange census: ${esc(h.scan.name)}</h1>
${input.partial ? `<p class="partial" id="partial-note"><strong>Note: ${esc(input.partial)}.</strong></p>\n` : ''}<p class="lead">${esc(input.lead)}</p>
<p>Scan #${esc(h.scan.id)} (${esc(h.scan.source)}, series ${esc(h.scan.series)}, data of ${esc(scanDateLabel(h.scan))}, started ${esc(h.scan.startedAt)}); ${esc(input.judged)}.</p>
<p class="note">${esc(UNIT_NOTE)}</p>
<h2>On-premises Exchange servers by country</h2>
${renderMapSection(counts, input.madeUpGeo)}
<h2>By continent</h2>
${continents}
<h2>By product</h2>
${products}
<h2>Trend across scans of series ${esc(h.scan.series)}</h2>
${trend}
${input.tables.map(tableHtml).join('\n')}
<footer><p>As of ${esc(h.asOf)}. Generated by exchange-census.</p>${input.madeUpGeo ? `<p>${esc(input.madeUpGeo)}</p>` : ''}<p>${esc(input.attribution)}</p></footer>
</body></html>
`;
}
