// Census views as tables: the build table (product -> release) and the networks (top ASNs),
// each row linking to its hosts; networks also export their notify bundle.
import { census, GEO_ATTRIBUTION, type CensusRow } from '../../run/index.js';
import { orderFamilies } from '../../report/headline.js';
import { esc } from './text.js';
import type { Ctx } from '../context.js';
import { parseView } from '../params.js';
import { formChoices } from './choices.js';
import { a, exports, filterForm, href, layout, num, pct, table, type Col } from './layout.js';
import { top } from './top.js';

function familyCols(p: URLSearchParams, families: string[], extra: (r: CensusRow) => Record<string, string>) {
  return families.flatMap((f): Array<Col<CensusRow>> => [
    {
      label: `${f} vulnerable`,
      numeric: true,
      html: (r) =>
        a(href('/hosts', p, { ...extra(r), family: f, verdict: 'vulnerable' }), num(r.vulnerable[f] ?? 0)),
    },
    {
      label: `${f} likely`,
      numeric: true,
      html: (r) => a(href('/hosts', p, { ...extra(r), family: f, verdict: 'likely' }), num(r.likely[f] ?? 0)),
    },
  ]);
}

export async function buildsPage(c: Ctx): Promise<string> {
  const p = c.params;
  const v = parseView(p, c.today);
  const res = await census(c.store, { ...v, groupBy: ['product', 'release'] });
  const rows = res.rows
    .filter((r) => r.exchange > 0)
    .sort(
      (x, y) =>
        String(x.group.product ?? '~').localeCompare(String(y.group.product ?? '~')) ||
        String(y.group.release ?? '').localeCompare(String(x.group.release ?? '')),
    );
  const byProduct = (r: CensusRow): Record<string, string> =>
    r.group.product ? { product: String(r.group.product) } : {};
  const cols: Array<Col<CensusRow>> = [
    { label: 'Product', html: (r) => esc(r.group.product ?? 'build unknown') },
    { label: 'Release (CU / SU)', html: (r) => esc(r.group.release ?? 'release unknown') },
    { label: 'Servers', numeric: true, html: (r) => a(href('/hosts', p, byProduct(r)), num(r.exchange)) },
    { label: 'Past end of support', numeric: true, html: (r) => esc(num(r.eol)) },
    ...familyCols(p, orderFamilies(rows), byProduct),
  ];
  const body = `${filterForm('/builds', p, await formChoices(c.store, v.scan))}
<p>Servers by product and release. A release named by its CU only was read at CU precision (no
security update level): its open CVEs count as <em>likely</em>, never as <em>vulnerable</em>; a
full build (security update known) counts as vulnerable or patched.</p>
${table('builds', cols, rows, 'No Exchange servers under these filters.')}
${exports([[href('/api/census', p, { by: 'product,release' }), 'JSON']])}`;
  return layout({
    title: `Builds · ${res.scan.name}`,
    path: '/builds',
    params: p,
    body,
    api: href('/api/census', p, { by: 'product,release' }),
    guarded: c.guarded,
  });
}

export async function networksPage(c: Ctx): Promise<string> {
  const p = c.params;
  const v = parseView(p, c.today);
  const res = await census(c.store, { ...v, groupBy: ['asn'] });
  const rows = top(
    res.rows,
    200,
    (r) => r.exchange > 0,
    (x, y) => y.exchange - x.exchange || Number(x.group.asn ?? 0) - Number(y.group.asn ?? 0),
  );
  const asnOf = (r: CensusRow) => (typeof r.group.asn === 'number' ? r.group.asn : null);
  const byAsn = (r: CensusRow): Record<string, string> => {
    const n = asnOf(r);
    return n !== null ? { asn: String(n) } : {};
  };
  const cols: Array<Col<CensusRow>> = [
    {
      label: 'Network',
      html: (r) => {
        const n = asnOf(r);
        const org = n !== null ? res.asnOrgs?.get(n) : undefined;
        return n === null
          ? 'unknown network'
          : `${a(href('/', p, { asn: n }), `AS${n}`)} <span class="clip">${esc(org ?? '')}</span>`;
      },
    },
    { label: 'Servers', numeric: true, html: (r) => a(href('/hosts', p, byAsn(r)), num(r.exchange)) },
    { label: 'Share', numeric: true, html: (r) => esc(pct(r.exchange, res.total.exchange)) },
    { label: 'Past end of support', numeric: true, html: (r) => esc(num(r.eol)) },
    ...familyCols(p, orderFamilies(rows), byAsn),
    {
      label: 'Bundle',
      html: (r) => {
        const n = asnOf(r);
        return n === null
          ? ''
          : `${a(href('/api/bundle', p, { asn: n, format: 'csv' }, ['scan', 'as_of']), 'CSV')} ${a(href('/api/bundle', p, { asn: n, format: 'md' }, ['scan', 'as_of']), 'Markdown')}`;
      },
    },
  ];
  const body = `${filterForm('/networks', p, await formChoices(c.store, v.scan))}
<p>The networks (autonomous systems) with the most on-premises Exchange servers. A bundle is what
<code>excensus notify --by asn</code> writes for that network: a CSV of its hosts and a Markdown summary.</p>
${table('networks', cols, rows, 'No Exchange servers under these filters.')}
${exports([[href('/api/census', p, { by: 'asn' }), 'JSON']])}`;
  return layout({
    title: `Networks · ${res.scan.name}`,
    path: '/networks',
    params: p,
    body,
    api: href('/api/census', p, { by: 'asn' }),
    guarded: c.guarded,
    attribution: GEO_ATTRIBUTION,
  });
}
