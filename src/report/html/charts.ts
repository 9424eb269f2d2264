// Charts as plain markup, no scripts: horizontal bars in HTML (their text reflows on a phone) and a
// trend line in inline SVG. Pure functions (data -> markup), shared by the report and the dashboard.
import type { TrendPoint } from '../trend.js';
import { scanDate } from '../scan-view.js';
import { esc } from './escape.js';

/**
 * The rules the bar chart needs (a grid whose labels go above the bars on a narrow screen). The
 * report inlines them; the dashboard's assets/dashboard/app.css carries the same text (a test checks).
 */
export const CHART_CSS = `.bars{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr auto;gap:4px 8px;align-items:center;margin:.5rem 0}
.bar{display:contents}.bar .label{text-align:right}.bar .figure{font-variant-numeric:tabular-nums;white-space:nowrap}
.track{position:relative;height:16px;background:#f4f5f7}.track span{position:absolute;left:0;top:0;bottom:0}
@media (max-width:560px){.bars{grid-template-columns:1fr auto}.bar .label{grid-column:1/3;text-align:left;margin-top:4px}}`;

/** The key of bars drawn as all on-premises servers with those past end of support over them. */
export const EOL_BAR_KEY: BarKey = {
  value: 'on-premises Exchange servers',
  part: 'of which past end of support',
};

/** How a scan is named on the trend's axis: its data's date and its name (one place for both pages). */
export function trendLabel(p: Pick<TrendPoint, 'scan'>): TrendLabel {
  return { date: scanDate(p.scan), name: p.scan.name };
}

export interface Bar {
  label: string;
  value: number;
  /** Optional part of the value drawn over the bar in the second colour (e.g. past end of support). */
  part?: number;
}

export interface BarKey {
  /** What the whole bar counts, e.g. "on-premises Exchange servers". */
  value: string;
  /** What the second colour counts, e.g. "of which past end of support". */
  part?: string;
}

export const BAR_COLOURS = { value: '#8fb3d9', part: '#c9373c' };

const swatch = (colour: string) => `<span class="swatch" style="background:${colour}"></span>`;

/** The key under a bar chart: what each colour counts. */
export function barKey(key: BarKey): string {
  return (
    `<p class="key">${swatch(BAR_COLOURS.value)} ${esc(key.value)}` +
    (key.part ? ` ${swatch(BAR_COLOURS.part)} ${esc(key.part)}` : '') +
    '</p>'
  );
}

export function renderBarChart(id: string, title: string, bars: Bar[], key: BarKey): string {
  if (bars.length === 0) return `<p class="empty" id="${esc(id)}">No data for ${esc(title)}.</p>`;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const pct = (n: number) => `${((n / max) * 100).toFixed(2)}%`;
  const rows = bars.map((b) => {
    const part = b.part !== undefined ? Math.min(b.part, b.value) : undefined;
    const figures = `${b.value.toLocaleString('en-US')}${part !== undefined ? ` (${part.toLocaleString('en-US')})` : ''}`;
    const tip = `${b.label}: ${b.value.toLocaleString('en-US')} ${key.value}${part !== undefined && key.part ? `, ${part.toLocaleString('en-US')} ${key.part}` : ''}`;
    return (
      `<div class="bar" title="${esc(tip)}"><span class="label">${esc(b.label)}</span>` +
      `<span class="track"><span class="whole" style="width:${pct(b.value)};background:${BAR_COLOURS.value}"></span>` +
      (part !== undefined
        ? `<span class="part" style="width:${pct(part)};background:${BAR_COLOURS.part}"></span>`
        : '') +
      `</span><span class="figure">${esc(figures)}</span></div>`
    );
  });
  return `<div id="${esc(id)}" class="bars" role="img" aria-label="${esc(title)}">${rows.join('')}</div>${barKey(key)}`;
}

export interface Series {
  name: string;
  colour: string;
  values: number[];
}

/** A scan on the trend's axis: its date and its name. */
export interface TrendLabel {
  date: string;
  name: string;
}

const NAME_CHARS = 13;
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
// cut in the middle: names of one series often differ only at their end ("census-2026-04", "census-2026-11")
const short = (s: string) => (s.length > NAME_CHARS ? `${s.slice(0, 5)}…${s.slice(-(NAME_CHARS - 6))}` : s);

/**
 * Lines over evenly spaced scans, each labelled by date and name (shortened, full in a tooltip);
 * with fewer than two scans there is no trend to draw, and it says so. `stacked`: areas, each
 * series drawn over the ones before it (parts of one whole).
 */
export function renderTrendChart(
  id: string,
  labels: TrendLabel[],
  series: Series[],
  stacked = false,
): string {
  if (labels.length === 0) return `<p class="empty" id="${esc(id)}">No scans in this series.</p>`;
  if (labels.length === 1)
    return `<p class="empty" id="${esc(id)}">One scan: no trend yet (${esc(labels[0]!.date)}, ${esc(labels[0]!.name)}). Scans of the same series added later are drawn here.</p>`;
  // user units; the page shows the chart at most 600 px wide, so 15-unit text stays >= 11 px at 400 px
  const w = 480;
  const h = 260;
  const pad = { l: 66, r: 66, t: 16, b: 48 };
  // stacked: each series' top is its value plus every earlier series' at that scan
  const tops = series.map((_, k) =>
    labels.map((_, i) => series.slice(0, k + 1).reduce((n, s) => n + (s.values[i] ?? 0), 0)),
  );
  const max = Math.max(1, ...(stacked ? (tops.at(-1) ?? []) : series.flatMap((s) => s.values)));
  const x = (i: number) => pad.l + (i * (w - pad.l - pad.r)) / (labels.length - 1);
  const y = (v: number) => pad.t + (1 - v / max) * (h - pad.t - pad.b);
  const base = h - pad.b;
  const axis =
    `<line x1="${pad.l}" y1="${base}" x2="${w - pad.r}" y2="${base}" stroke="#999"/>` +
    `<line x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${base}" stroke="#999"/>` +
    `<text x="${pad.l - 6}" y="${pad.t + 5}" text-anchor="end">${esc(compact.format(max))}</text>` +
    `<text x="${pad.l - 6}" y="${base}" text-anchor="end">0</text>`;
  // as many labels as fit (about one per 90 units), always the first and the last
  const every = Math.max(1, Math.ceil(labels.length / Math.floor((w - pad.l - pad.r) / 90 + 1)));
  const ticks = labels
    .map((l, i) =>
      i % every === 0 || i === labels.length - 1
        ? `<g class="tick"><title>${esc(`${l.date} ${l.name}`)}</title>` +
          `<text x="${x(i).toFixed(1)}" y="${base + 20}" text-anchor="middle">${esc(l.date)}</text>` +
          `<text x="${x(i).toFixed(1)}" y="${base + 38}" text-anchor="middle">${esc(short(l.name))}</text></g>`
        : '',
    )
    .join('');
  const lines = series.map((s, k) => {
    const at = (i: number) => (stacked ? tops[k]![i]! : (s.values[i] ?? 0));
    const pts = labels.map((_, i) => `${x(i).toFixed(1)},${y(at(i)).toFixed(1)}`);
    const floor = labels
      .map((_, i) => `${x(i).toFixed(1)},${y(k > 0 ? tops[k - 1]![i]! : 0).toFixed(1)}`)
      .reverse();
    const area = stacked
      ? `<polygon fill="${s.colour}" fill-opacity="0.55" stroke="none" points="${[...pts, ...floor].join(' ')}"/>`
      : '';
    const dots = s.values.map(
      (v, i) =>
        `<circle cx="${x(i).toFixed(1)}" cy="${y(at(i)).toFixed(1)}" r="3" fill="${s.colour}"><title>${esc(`${s.name}, ${labels[i]?.date ?? ''} ${labels[i]?.name ?? ''}: ${v.toLocaleString('en-US')}`)}</title></circle>`,
    );
    return `<g class="series" data-name="${esc(s.name)}">${area}<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${pts.join(' ')}"/>${dots.join('')}</g>`;
  });
  const legend = `<p class="key">${series.map((s) => `${swatch(s.colour)} ${esc(s.name)}`).join(' ')}</p>`;
  return `<svg id="${esc(id)}" class="chart trend" viewBox="0 0 ${w} ${h}" role="img" aria-label="Trend across scans">${axis}${ticks}${lines.join('')}</svg>${legend}`;
}
