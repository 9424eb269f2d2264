// Views across scans: the list of scans (refreshing itself while one runs), the series over
// time, and the diff of two scans.
import {
  diffScans,
  listScans,
  scanToWire,
  seriesTrend,
  totalsLines,
  type DistributedScanState,
} from '../../run/index.js';
import { DIFF_CATEGORIES } from '../../report/diff.js';
import { renderTrendChart, trendLabel } from '../../report/html/charts.js';
import { esc } from './text.js';
import { percentChange } from '../../report/trend.js';
import { kbLabelOf, scanDate, scanDateLabel } from '../../report/scan-view.js';
import type { Ctx } from '../context.js';
import { checkParams, optionalParam, parseAsOfParam } from '../params.js';
import { a, exports, href, layout, num, pct, table, type Col } from './layout.js';

export async function scansPage(c: Ctx): Promise<string> {
  checkParams(c.params);
  const [list, states] = await Promise.all([listScans(c.store), c.shards()]);
  const byId = new Map(states.map((d) => [d.scanId, d]));
  const rows = list
    .slice()
    .reverse()
    .map((s) => ({ s, w: scanToWire(s), d: byId.get(s.id) }));
  const shardCols: Array<Col<(typeof rows)[number]>> = states.length
    ? [
        { label: 'Shards', html: (r) => (r.d ? shardCell(r.d) : '') },
        { label: 'Hosts done', numeric: true, html: (r) => (r.d ? esc(num(r.d.hostsDone)) : '') },
        {
          label: 'Hosts/s',
          numeric: true,
          html: (r) => (r.d && !r.d.complete ? esc(num(Math.round(r.d.rate))) : ''),
        },
      ]
    : [];
  const failures = states.flatMap((d) =>
    d.failures.map((f) => ({ scan: list.find((s) => s.id === d.scanId)?.name ?? String(d.scanId), ...f })),
  );
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
      ...shardCols,
      { label: 'Records', numeric: true, html: (r) => esc(num(r.s.counts.hosts)) },
      { label: 'Exchange', numeric: true, html: (r) => esc(num(r.s.counts.exchange)) },
      { label: 'Suspects', numeric: true, html: (r) => esc(num(r.s.counts.suspect)) },
      { label: 'KB', html: (r) => esc(r.w.partly_rejudged ? kbLabelOf(r.s) : (r.w.kb_version ?? '')) },
    ],
    rows,
    'No scans yet: run excensus scan or excensus ingest.',
  )}${
    failures.length
      ? `<h2>Failed shards</h2>${table(
          'shard-failures',
          [
            { label: 'Scan', html: (f) => esc(f.scan) },
            { label: 'Shard', numeric: true, html: (f) => esc(f.shard) },
            { label: 'Input', html: (f) => esc(f.input ?? '') },
            { label: 'Error', html: (f) => `<span class="clip">${esc(f.error ?? '')}</span>` },
          ],
          failures,
        )}<p>Run <code>excensus scans retry NAME</code> to give them another attempt.</p>`
      : ''
  }</div>
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

/** A distributed scan's shards by state, e.g. "1 queued · 2 running · 5 done of 8". */
function shardCell(d: DistributedScanState): string {
  const parts = (['queued', 'running', 'done', 'failed'] as const)
    .filter((k) => d.shards[k] > 0 || k === 'done')
    .map((k) => `<span class="shard-${k}" data-shards="${k}">${esc(num(d.shards[k]))} ${k}</span>`);
  return `${parts.join(' · ')} of ${esc(num(d.shards.total))}`;
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
  // parts of every on-premises server, drawn stacked: supported by update state, then past end of support
  const support = renderTrendChart(
    'trend-support',
    labels,
    [
      { name: 'Supported, up to date', colour: '#4d9a56', values: pts.map((x) => x.updates.current) },
      {
        name: 'Supported, update level not visible',
        colour: '#9db8d9',
        values: pts.map((x) => x.updates.unknown),
      },
      { name: 'Behind on updates', colour: '#e6a23c', values: pts.map((x) => x.updates.behind) },
      { name: 'Past end of support', colour: '#c9373c', values: pts.map((x) => x.total.eol) },
    ],
    true,
  );
  const fams = [...new Set(pts.flatMap((x) => Object.keys(x.total.vulnerable)))].sort();
  // vulnerable (full build) and likely (CU known only) apart: likely is never drawn as vulnerable
  const perFamily = (verdict: 'vulnerable' | 'likely') =>
    renderTrendChart(
      `trend-families-${verdict}`,
      labels,
      fams.map((f, i) => ({
        name: `${f} ${verdict}`,
        colour: FAMILY_COLOURS[i % FAMILY_COLOURS.length]!,
        values: pts.map((x) => x.total[verdict][f] ?? 0),
      })),
    );
  const rows = table(
    'trend',
    [
      { label: 'Scan', html: (x) => a(href('/', new URLSearchParams(), { scan: x.scan.name }), x.scan.name) },
      { label: 'Data of', html: (x) => esc(scanDateLabel(x.scan)) },
      { label: 'Exchange', numeric: true, html: (x) => esc(num(x.total.exchange)) },
      { label: 'Up to date', numeric: true, html: (x) => esc(num(x.updates.current)) },
      { label: 'Update level not visible', numeric: true, html: (x) => esc(num(x.updates.unknown)) },
      { label: 'Behind on updates', numeric: true, html: (x) => esc(num(x.updates.behind)) },
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
<h2>Support state</h2>
<p>On-premises servers stacked: supported and on the product's latest update on each scan's date
(per the knowledge base), supported with only the newest CU visible (its security update level
unknown), supported but behind on updates, and past end of support.</p>${support}
<h2>Open CVE families: vulnerable</h2>${perFamily('vulnerable')}
<h2>Open CVE families: likely</h2>${perFamily('likely')}
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
