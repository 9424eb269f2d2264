// The host table (paginated, sorted and filtered by the server) and one host's page.
import { hostDetail, hostsPage, type HostRow } from '../../run/index.js';
import { esc } from './text.js';
import { continentLabel, countryLabel } from '../../report/names.js';
import type { Ctx } from '../context.js';
import { hostParams, hostsQuery } from '../api.js';
import { a, exports, filterForm, href, layout, num, table, type Col } from './layout.js';
import { formChoices } from './choices.js';
import { FILTER_PARAMS } from '../params.js';

const HOST_CARRY = ['scan', 'as_of', ...FILTER_PARAMS, 'kind', 'sort', 'limit'];

function hostUrl(p: URLSearchParams, h: HostRow): string {
  return href('/host', p, { ip: h.ip, port: h.port }, ['scan', 'as_of']);
}

/** Columns of a host row; `sortable` makes the headers sort links. */
export function hostColumns(
  p: URLSearchParams,
  asOf: string,
  sortable?: { sort: string; desc: boolean },
): Array<Col<HostRow>> {
  const sortCol = (key: string): Partial<Col<HostRow>> => {
    if (!sortable) return {};
    const on = sortable.sort === key;
    return {
      sortUrl: href('/hosts', p, { sort: on && !sortable.desc ? `-${key}` : key, offset: null }, HOST_CARRY),
      ...(on ? { sorted: sortable.desc ? 'desc' : 'asc' } : {}),
    } as Partial<Col<HostRow>>;
  };
  return [
    { label: 'IP', html: (h) => a(hostUrl(p, h), h.ip), ...sortCol('ip') },
    { label: 'Port', numeric: true, html: (h) => esc(h.port), ...sortCol('port') },
    {
      label: 'Hostname',
      html: (h) => `<span class="clip">${esc(h.hostname ?? '')}</span>`,
      ...sortCol('hostname'),
    },
    {
      label: 'Product',
      html: (h) => esc(h.product ?? (h.isExchange ? 'build unknown' : '')),
      ...sortCol('product'),
    },
    { label: 'Release', html: (h) => esc(h.release ?? ''), ...sortCol('release') },
    {
      label: 'End of support',
      html: (h) => (h.eolDate ? esc(h.eolDate < asOf ? `past (${h.eolDate})` : h.eolDate) : ''),
      ...sortCol('eol_date'),
    },
    { label: 'Vulnerable', html: (h) => esc(h.vulnerable.join(', ')) },
    { label: 'Likely', html: (h) => esc(h.likely.join(', ')) },
    {
      label: 'Country',
      html: (h) => esc(h.country ? `${h.country} ${countryLabel(h.country) ?? ''}`.trim() : ''),
      ...sortCol('country'),
    },
    {
      label: 'Network',
      html: (h) =>
        `<span class="clip">${esc(h.asn !== null ? `AS${h.asn}${h.asnOrg ? ` ${h.asnOrg}` : ''}` : '')}</span>`,
      ...sortCol('asn'),
    },
    {
      label: 'Status',
      html: (h) => esc(`${h.status}${h.confidence ? ` (${h.confidence})` : ''}`),
      ...sortCol('status'),
    },
    {
      label: 'Seen',
      html: (h) => esc(h.observedAt.slice(0, 16).replace('T', ' ')),
      ...sortCol('observed_at'),
    },
  ];
}

export async function hostsListPage(c: Ctx): Promise<string> {
  const p = c.params;
  const q = hostsQuery(c);
  const r = await hostsPage(c.store, q);
  const { total, rows } = r.page;
  const pages = Math.max(1, Math.ceil(total / q.limit));
  const page = Math.floor(q.offset / q.limit) + 1;
  const at = (offset: number) => href('/hosts', p, { offset: offset > 0 ? offset : null }, HOST_CARRY);
  const pager = `<nav class="pager" aria-label="pages">
${q.offset > 0 ? a(at(0), '« first') + ' ' + a(at(Math.max(0, q.offset - q.limit)), '‹ previous', 'prev') : ''}
<span class="pos">page ${esc(num(page))} of ${esc(num(pages))} · ${esc(num(total))} records</span>
${q.offset + q.limit < total ? a(at(q.offset + q.limit), 'next ›', 'next') + ' ' + a(at((pages - 1) * q.limit), 'last »') : ''}
</nav>`;
  const kindLinks = `<p>Showing ${q.kind === 'exchange' ? 'on-premises Exchange records' : 'every record'} of scan ${esc(r.scan.name)} · ${a(
    href('/hosts', p, { kind: q.kind === 'exchange' ? 'all' : null, offset: null }, HOST_CARRY),
    q.kind === 'exchange' ? 'show every record' : 'show Exchange only',
  )}</p>`;
  const body = `${filterForm('/hosts', p, await formChoices(c.store, q.scan), ['kind', 'sort', 'verdict', 'status'])}
${kindLinks}
${pager}
${table('hosts', hostColumns(p, r.asOf, { sort: q.sort, desc: q.desc }), rows, 'No host records under these filters.')}
${pager}
${exports([
  [href('/api/hosts.csv', p, {}, HOST_CARRY), 'CSV (every page)'],
  [href('/api/hosts', p, { offset: q.offset || null }, HOST_CARRY), 'JSON (this page)'],
])}
<p class="note">One row per ip:port record stored; the census counts servers (an address once).</p>`;
  return layout({
    title: 'Hosts',
    path: '/hosts',
    params: p,
    body,
    api: href('/api/hosts', p, { offset: q.offset || null }, HOST_CARRY),
    guarded: c.guarded,
  });
}

function dl(items: Array<[string, string]>): string {
  return `<dl class="facts">${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

export async function hostPage(c: Ctx): Promise<{ status: number; html: string }> {
  const p = c.params;
  const q = hostParams(c);
  const d = await hostDetail(c.store, q);
  if (!d) {
    const html = layout({
      title: 'Host not found',
      path: '/host',
      params: p,
      body: `<p>No record of ${esc(q.ip)}:${esc(q.port)} in this scan.</p>`,
      guarded: c.guarded,
    });
    return { status: 404, html };
  }
  const r = d.host.record;
  const cl = r.classification;
  const e = r.evidence;
  const facts = dl([
    ['Address', esc(`${r.ip}:${r.port}`)],
    ['Hostname', `<span class="clip">${esc(r.hostname ?? '')}</span>`],
    ['Status', esc(`${r.status}${r.statusDetail ? ` (${r.statusDetail})` : ''}`)],
    ['Product', esc(cl?.product ?? '')],
    ['Release', esc(cl?.release ?? '')],
    ['Build', esc(`${cl?.build ?? e.build ?? ''}${e.precision ? ` (precision: ${e.precision})` : ''}`)],
    ['End of support', esc(cl?.eolDate ?? '')],
    [
      'Country',
      esc(
        r.geo?.country
          ? `${r.geo.country} ${countryLabel(r.geo.country) ?? ''} (${continentLabel(r.geo.continent) ?? ''})`
          : '',
      ),
    ],
    ['Network', esc(r.asn ? `AS${r.asn.number} ${r.asn.org ?? ''}` : '')],
    ['Source', esc(`${r.source}, seen ${r.timestamp}`)],
    ['Scan', a(href('/', p, { scan: d.scan.name }, []), d.scan.name)],
  ]);
  const vulns = table(
    'cves',
    [
      { label: 'CVE', html: (v) => esc(v.cve) },
      { label: 'Family', html: (v) => esc(v.family) },
      { label: 'Verdict', html: (v) => `<span class="v-${esc(v.status)}">${esc(v.status)}</span>` },
      { label: 'Fixed in', html: (v) => esc(v.fixedIn ?? '') },
    ],
    cl?.vulns ?? [],
    'No CVE verdicts (no build read).',
  );
  const signals = table(
    'signals',
    [
      { label: 'Rule', html: (s) => esc(s.rule) },
      { label: 'Weight', html: (s) => esc(s.weight) },
      { label: 'Where', html: (s) => `<span class="clip">${esc(s.where)}</span>` },
      { label: 'Value', html: (s) => `<span class="clip">${esc(s.value ?? '')}</span>` },
    ],
    e.signals,
    'No signals.',
  );
  const body = `<p class="recommendation"><strong>Recommendation:</strong> ${esc(cl?.recommendation ?? 'identify the build and update it')}</p>
${facts}
<h2>CVE verdicts</h2>${vulns}
<h2>Evidence</h2>
<p>Exchange: ${esc(e.exchange)} (confidence ${esc(e.confidence)})${e.suspectReasons.length ? `; suspect because ${esc(e.suspectReasons.join('; '))}` : ''}${e.serverNames.length ? `; certificate and server names: <span class="clip">${esc(e.serverNames.join(', '))}</span>` : ''}</p>
${signals}`;
  return {
    status: 200,
    html: layout({
      title: `Host ${r.ip}:${r.port}`,
      path: '/host',
      params: p,
      body,
      api: href('/api/host', p, {}, ['scan', 'ip', 'port']),
      guarded: c.guarded,
    }),
  };
}
