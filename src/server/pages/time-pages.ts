// Views across scans: the list of scans (refreshing itself while one runs), the series over
// time, and the diff of two scans.
import { diffScans, listScans, scanToWire, seriesTrend, totalsLines } from '../../run/index.js';
import { DIFF_CATEGORIES } from '../../report/diff.js';
import { renderTrendChart, trendLabel } from '../../report/html/charts.js';
import { esc } from './text.js';
import { percentChange } from '../../report/trend.js';
import { scanDate, scanDateLabel } from '../../report/scan-view.js';
import type { Ctx } from '../context.js';
import { checkParams, optionalParam, parseAsOfParam } from '../params.js';
import { a, exports, href, layout, num, pct, table } from './layout.js';

export async function scansPage(c: Ctx): Promise<string> {
  checkParams(c.params);
  const scans = (await listScans(c.store)).slice().reverse();
  const rows = scans.map((s) => ({ s, w: scanToWire(s) }));
  const body = `<p>Every scan in the store, newest first. This page refreshes by itself while a scan runs.</p>
<div data-poll="/api/scans">${table(
    'scans',
    [
      { label: 'Scan', html: (r) => a(href('/', new URLSearchParams(), { scan: r.s.name }), r.s.name) },
      { label: 'Kind', html: (r) => esc(r.s.kind) },
      { label: 'Source', html: (r) => esc(r.s.source) },
      { label: 'Series', html: (r) => esc(r.s.series) },
      { label: 'Data of', html: (r) => esc(scanDateLabel(r.s)) },
      { label: 'Started', html: (r) => esc(r.s.startedAt.slice(0, 16).replace('T', ' ')) },
      { label: 'Finished', html: (r) => esc(r.s.finishedAt?.slice(0, 16).replace('T', ' ') ?? '') },
      { label: 'State', html: (r) => `<span class="state-${esc(r.s.state)}">${esc(r.s.state)}</span>` },
      { label: 'Records', numeric: true, html: (r) => esc(num(r.s.counts.hosts)) },
      { label: 'Exchange', numeric: true, html: (r) => esc(num(r.s.counts.exchange)) },
      { label: 'Suspects', numeric: true, html: (r) => esc(num(r.s.counts.suspect)) },
      { label: 'KB', html: (r) => esc(r.w.kb_version ?? '') },
    ],
    rows,
    'No scans yet: run excensus scan or excensus ingest.',
  )}</div>
${exports([['/api/scans', 'JSON']])}`;
  return layout({
    title: 'Scans',
    path: '/scans',
    params: c.params,
    body,
    api: '/api/scans',
    guarded: c.guarded,
  });
}

const FAMILY_COLOURS = [
  '#7b3294',
  '#c2a5cf',
  '#008837',
  '#a6dba0',
  '#e66101',
  '#fdb863',
  '#5e3c99',
  '#b2abd2',
];

export async function trendPage(c: Ctx): Promise<string> {
  checkParams(c.params);
  const scan = optionalParam(c.params, 'scan');
  const asOf = c.params.has('as_of') ? parseAsOfParam(c.params, c.today) : undefined;
  const t = await seriesTrend(c.store, { ...(scan ? { scan } : {}), ...(asOf ? { asOf } : {}) });
  const pts = t.points;
  const labels = pts.map(trendLabel);
  const support = renderTrendChart('trend-support', labels, [
    { name: 'Exchange', colour: '#3c78b4', values: pts.map((x) => x.total.exchange) },
    { name: 'Supported', colour: '#4d9a56', values: pts.map((x) => x.total.exchange - x.total.eol) },
    { name: 'Past end of support', colour: '#c9373c', values: pts.map((x) => x.total.eol) },
  ]);
  const fams = [...new Set(pts.flatMap((x) => Object.keys(x.total.vulnerable)))].sort();
  const perFamily = renderTrendChart(
    'trend-families',
    labels,
    fams.map((f, i) => ({
      name: `${f} vulnerable`,
      colour: FAMILY_COLOURS[i % FAMILY_COLOURS.length]!,
      values: pts.map((x) => x.total.vulnerable[f] ?? 0),
    })),
  );
  const rows = table(
    'trend',
    [
      { label: 'Scan', html: (x) => a(href('/', new URLSearchParams(), { scan: x.scan.name }), x.scan.name) },
      { label: 'Data of', html: (x) => esc(scanDateLabel(x.scan)) },
      { label: 'Exchange', numeric: true, html: (x) => esc(num(x.total.exchange)) },
      { label: 'Past end of support', numeric: true, html: (x) => esc(num(x.total.eol)) },
      { label: 'EOL share', numeric: true, html: (x) => esc(pct(x.total.eol, x.total.exchange)) },
      { label: 'Suspects', numeric: true, html: (x) => esc(num(x.total.suspect)) },
    ],
    pts,
  );
  const first = pts[0];
  const last = pts.at(-1);
  const change =
    first && last && first !== last
      ? `<p class="lead">Past end of support: ${esc(num(first.total.eol))} → ${esc(num(last.total.eol))} (${esc(percentChange(first.total.eol, last.total.eol))}) since ${esc(scanDate(first.scan))}.</p>`
      : '<p>Only one scan in this series so far: the trend starts with the next scan.</p>';
  const body = `<p>Complete scans of series <strong>${esc(t.scan.series)}</strong>; support judged on each scan's own date unless an as-of date is given.</p>
${change}
<h2>Support state</h2>${support}
<h2>Open CVE families (vulnerable)</h2>${perFamily}
<h2>Scans</h2>${rows}
${exports([[href('/api/trend', c.params, {}, ['scan', 'as_of']), 'JSON']])}`;
  return layout({
    title: `Over time · ${t.scan.series}`,
    path: '/trend',
    params: c.params,
    body,
    api: href('/api/trend', c.params, {}, ['scan', 'as_of']),
    guarded: c.guarded,
  });
}

export async function diffPage(c: Ctx): Promise<string> {
  checkParams(c.params);
  const scans = await listScans(c.store);
  const aRef = optionalParam(c.params, 'a') ?? scans.at(-2)?.name;
  const bRef = optionalParam(c.params, 'b') ?? scans.at(-1)?.name;
  const pick = (name: string, cur: string | undefined) =>
    `<label>${name} <select name="${name}">${scans
      .map(
        (s) =>
          `<option value="${esc(s.name)}"${s.name === cur ? ' selected' : ''}>${esc(`${s.name} (${scanDate(s)})`)}</option>`,
      )
      .join('')}</select></label>`;
  const form = `<form class="filters" method="get" action="/diff">${pick('a', aRef)} ${pick('b', bRef)} <button type="submit">Compare</button></form>`;
  if (!aRef || !bRef)
    return layout({
      title: 'Diff',
      path: '/diff',
      params: c.params,
      body: `${form}<p>A diff needs two scans.</p>`,
      guarded: c.guarded,
    });
  const d = await diffScans(c.store, { a: aRef, b: bRef });
  const seen = d.result.changes.length;
  const counts = table(
    'diff-counts',
    [
      { label: 'Change', html: (k) => esc(k) },
      { label: 'Hosts', numeric: true, html: (k) => esc(num(d.result.counts[k])) },
      { label: 'Share', numeric: true, html: (k) => esc(pct(d.result.counts[k], seen)) },
    ],
    DIFF_CATEGORIES,
  );
  const totals = table(
    'diff-totals',
    [
      { label: 'Count', html: (x) => esc(x[0]) },
      { label: d.a.name, numeric: true, html: (x) => esc(num(x[1])) },
      { label: d.b.name, numeric: true, html: (x) => esc(num(x[2])) },
      { label: 'Change', numeric: true, html: (x) => esc(percentChange(x[1], x[2])) },
    ],
    totalsLines(d.result),
  );
  const shown = d.result.changes.filter((x) => x.category !== 'unchanged').slice(0, 200);
  const fmt = (s: (typeof shown)[number]['before']) =>
    s ? `${s.release ?? s.product ?? 'unknown'}${s.build ? ` (${s.build})` : ''}` : '–';
  const list = table(
    'diff-hosts',
    [
      { label: 'Host', html: (x) => esc(x.key) },
      { label: 'Change', html: (x) => esc(x.category + (x.direction === 'down' ? ' (down)' : '')) },
      { label: 'Before', html: (x) => esc(fmt(x.before)) },
      { label: 'After', html: (x) => esc(fmt(x.after)) },
      { label: 'Open families', html: (x) => esc((x.after ?? x.before)?.open.join(', ') ?? '') },
    ],
    shown,
    'No host changed.',
  );
  const api = href('/api/diff', new URLSearchParams(), { a: d.a.name, b: d.b.name });
  const body = `${form}
<p>${esc(d.a.name)} → ${esc(d.b.name)}: ${esc(num(seen))} on-premises Exchange hosts in either scan.</p>
<h2>Totals</h2>${totals}
<h2>Hosts by change</h2>${counts}
<h2>Changed hosts${shown.length === 200 ? ' (first 200)' : ''}</h2>${list}
${exports([[api, 'JSON']])}`;
  return layout({ title: 'Diff', path: '/diff', params: c.params, body, api, guarded: c.guarded });
}
