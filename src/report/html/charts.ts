// Small inline-SVG charts: horizontal bars and a trend line. Plain markup, no scripts.
import { esc } from './escape.js';

export interface Bar {
  label: string;
  value: number;
  /** Optional second value drawn over the bar (e.g. EOL of all). */
  part?: number;
}

export function renderBarChart(id: string, title: string, bars: Bar[], partLabel?: string): string {
  if (bars.length === 0) return `<p class="empty" id="${esc(id)}">No data for ${esc(title)}.</p>`;
  const rowH = 24;
  const labelW = 200;
  const barW = 520;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rows = bars.map((b, i) => {
    const y = i * rowH;
    const w = (b.value / max) * barW;
    const pw = b.part !== undefined ? (Math.min(b.part, b.value) / max) * barW : 0;
    return (
      `<g class="bar" transform="translate(0,${y})"><text x="${labelW - 6}" y="16" text-anchor="end">${esc(b.label)}</text>` +
      `<rect x="${labelW}" y="3" width="${w.toFixed(1)}" height="${rowH - 6}" fill="#8fb3d9"><title>${esc(`${b.label}: ${b.value.toLocaleString('en-US')}`)}</title></rect>` +
      (b.part !== undefined
        ? `<rect class="part" x="${labelW}" y="3" width="${pw.toFixed(1)}" height="${rowH - 6}" fill="#c9373c"><title>${esc(`${b.label}: ${b.part.toLocaleString('en-US')} ${partLabel ?? ''}`)}</title></rect>`
        : '') +
      `<text x="${(labelW + w + 6).toFixed(1)}" y="16">${esc(b.value.toLocaleString('en-US'))}${b.part !== undefined ? esc(` (${b.part.toLocaleString('en-US')} ${partLabel ?? ''})`) : ''}</text></g>`
    );
  });
  return `<svg id="${esc(id)}" class="chart" viewBox="0 0 ${labelW + barW + 160} ${bars.length * rowH}" role="img" aria-label="${esc(title)}">${rows.join('')}</svg>`;
}

export interface Series {
  name: string;
  colour: string;
  values: number[];
}

/** Lines over evenly spaced points (one per scan); a single scan draws dots. */
export function renderTrendChart(id: string, labels: string[], series: Series[]): string {
  if (labels.length === 0) return `<p class="empty" id="${esc(id)}">No scans in this series.</p>`;
  const w = 880;
  const h = 260;
  const pad = { l: 60, r: 20, t: 16, b: 40 };
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const x = (i: number) =>
    pad.l + (labels.length === 1 ? (w - pad.l - pad.r) / 2 : (i * (w - pad.l - pad.r)) / (labels.length - 1));
  const y = (v: number) => pad.t + (1 - v / max) * (h - pad.t - pad.b);
  const axis =
    `<line x1="${pad.l}" y1="${h - pad.b}" x2="${w - pad.r}" y2="${h - pad.b}" stroke="#999"/><line x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${h - pad.b}" stroke="#999"/>` +
    `<text x="${pad.l - 6}" y="${pad.t + 4}" text-anchor="end">${esc(max.toLocaleString('en-US'))}</text><text x="${pad.l - 6}" y="${h - pad.b}" text-anchor="end">0</text>`;
  const ticks = labels
    .map((l, i) => `<text x="${x(i).toFixed(1)}" y="${h - pad.b + 18}" text-anchor="middle">${esc(l)}</text>`)
    .join('');
  const lines = series.map((s) => {
    const pts = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`);
    const dots = s.values.map(
      (v, i) =>
        `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${s.colour}"><title>${esc(`${s.name} ${labels[i] ?? ''}: ${v.toLocaleString('en-US')}`)}</title></circle>`,
    );
    return `<g class="series" data-name="${esc(s.name)}"><polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${pts.join(' ')}"/>${dots.join('')}</g>`;
  });
  const legend = series
    .map(
      (s, i) =>
        `<text x="${pad.l + 10 + i * 170}" y="${h - 6}" style="fill:${s.colour}">■ ${esc(s.name)}</text>`,
    )
    .join('');
  return `<svg id="${esc(id)}" class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="Trend across scans">${axis}${ticks}${lines.join('')}${legend}</svg>`;
}
