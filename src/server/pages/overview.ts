// The overview: headline tiles (each number links to its hosts), the world map with the
// drill-down continent -> country -> network -> hosts, charts and the series' trend.
import { census, dashboardOverview, GEO_ATTRIBUTION, hostsPage, type CensusRow } from '../../run/index.js';
import { headlineSentence, UNIT_NOTE } from '../../report/census-tables.js';
import { incompleteNote, judgedLabel, scanDateLabel, unfinishedRejudgement } from '../../report/scan-view.js';
import { censusCharts } from '../../report/html/html-report.js';
import { esc } from './text.js';
import { mapLegend, renderWorldMap } from '../../report/html/world-map.js';
import { continentLabel, countryLabel } from '../../report/names.js';
import type { Ctx } from '../context.js';
import { parseView } from '../params.js';
import { a, filterForm, href, layout, num, pct, table, type Col } from './layout.js';
import { formChoices } from './choices.js';
import { hostColumns } from './hosts.js';
import { top } from './top.js';

function tile(key: string, label: string, value: number, url: string, note = ''): string {
  return `<div class="tile" data-tile="${esc(key)}"><a href="${esc(url)}"><span class="value">${esc(num(value))}</span><span class="label">${esc(label)}</span></a>${note ? `<span class="note">${esc(note)}</span>` : ''}</div>`;
}

interface DrillRow {
  label: string;
  url: string;
  row: CensusRow;
}

function drillTable(rows: DrillRow[], total: number): string {
  const cols: Array<Col<DrillRow>> = [
    { label: 'Name', html: (r) => a(r.url, r.label) },
    { label: 'Exchange servers', numeric: true, html: (r) => esc(num(r.row.exchange)) },
    { label: 'Share', numeric: true, html: (r) => esc(pct(r.row.exchange, total)) },
    { label: 'Past end of support', numeric: true, html: (r) => esc(num(r.row.eol)) },
    { label: 'EOL share', numeric: true, html: (r) => esc(pct(r.row.eol, r.row.exchange)) },
    { label: 'Suspects', numeric: true, html: (r) => esc(num(r.row.suspect)) },
  ];
  return table('drill', cols, rows, 'No Exchange servers under these filters.');
}

export async function overviewPage(c: Ctx): Promise<string> {
  const p = c.params;
  const v = parseView(p, c.today);
  const o = await dashboardOverview(c.store, v);
  const h = o.headline;
  const t = h.total;
  const hosts = (set: Record<string, string | null>) => href('/hosts', p, set);
  // Tiles: the studies' headline families; every family is in the table below them.
  const headFamilies = h.families.filter((f) => h.headlineFamilies.includes(f));
  const tiles = [
    tile('exchange', 'on-premises Exchange servers', t.exchange, hosts({})),
    tile('eol', 'past end of support', t.eol, hosts({ eol: '1' }), pct(t.eol, t.exchange)),
    ...headFamilies.flatMap((f) => [
      tile(
        `vulnerable-${f}`,
        `vulnerable to ${f}`,
        t.vulnerable[f] ?? 0,
        hosts({ family: f, verdict: 'vulnerable' }),
      ),
      tile(
        `likely-${f}`,
        `likely open to ${f} (CU known, SU not)`,
        t.likely[f] ?? 0,
        hosts({ family: f, verdict: 'likely' }),
      ),
    ]),
    tile(
      'suspect',
      'suspects and Exchange Online (excluded)',
      t.suspect,
      hosts({ kind: 'all', status: 'suspect' }),
    ),
  ].join('');
  const familyTable = table(
    'families',
    [
      { label: 'CVE family', html: (f: string) => esc(f) },
      {
        label: 'Vulnerable (build known)',
        numeric: true,
        html: (f: string) => a(hosts({ family: f, verdict: 'vulnerable' }), num(t.vulnerable[f] ?? 0)),
      },
      {
        label: 'Likely (CU known, SU not)',
        numeric: true,
        html: (f: string) => a(hosts({ family: f, verdict: 'likely' }), num(t.likely[f] ?? 0)),
      },
    ],
    h.families,
    'No server is open to a known CVE family.',
  );

  const counts = new Map<string, number>();
  for (const r of h.byCountry)
    if (typeof r.group.country === 'string') counts.set(r.group.country, r.exchange);
  const map = renderWorldMap(counts);

  // drill-down: the level below the deepest geo/network filter
  const f = v.filter;
  const crumbs = [a(href('/', p, { continent: null, country: null, asn: null }), 'World')];
  if (f.continent?.length === 1)
    crumbs.push(
      a(href('/', p, { country: null, asn: null }), continentLabel(f.continent[0]) ?? f.continent[0]!),
    );
  if (f.country?.length === 1)
    crumbs.push(a(href('/', p, { asn: null }), countryLabel(f.country[0]) ?? f.country[0]!));
  if (f.asn?.length === 1) crumbs.push(esc(`AS${f.asn[0]}`));
  let drill: string;
  if (f.asn?.length) {
    const page = await hostsPage(c.store, {
      ...v,
      kind: 'exchange',
      sort: 'ip',
      desc: false,
      limit: 20,
      offset: 0,
    });
    drill =
      table('drill', hostColumns(p, page.asOf), page.page.rows, 'No Exchange servers in this network.') +
      `<p>${a(hosts({}), `All ${num(page.page.total)} host records of this network`)}</p>`;
  } else if (f.country?.length) {
    const byAsn = await census(c.store, { ...v, groupBy: ['asn'] });
    const rows = top(
      byAsn.rows,
      50,
      (r) => r.exchange > 0,
      (x, y) => y.exchange - x.exchange,
    ).map((r) => {
      const asn = r.group.asn;
      const org = typeof asn === 'number' ? byAsn.asnOrgs?.get(asn) : undefined;
      return {
        label: typeof asn === 'number' ? `AS${asn}${org ? ` ${org}` : ''}` : 'unknown network',
        url: typeof asn === 'number' ? href('/', p, { asn }) : hosts({}),
        row: r,
      };
    });
    drill = drillTable(rows, t.exchange);
  } else if (f.continent?.length) {
    drill = drillTable(
      h.byCountry.map((r) => ({
        label: countryLabel(r.group.country as string | null) ?? 'unknown',
        url: r.group.country ? href('/', p, { country: String(r.group.country) }) : hosts({}),
        row: r,
      })),
      t.exchange,
    );
  } else {
    drill = drillTable(
      h.byContinent.map((r) => ({
        label: continentLabel(r.group.continent as string | null) ?? 'unknown',
        url: r.group.continent ? href('/', p, { continent: String(r.group.continent) }) : hosts({}),
        row: r,
      })),
      t.exchange,
    );
  }

  const { continents, products, trend } = censusCharts(h, o.trend);
  const s = o.scan;
  const body = `${filterForm('/', p, await formChoices(c.store, v.scan))}
<p class="scaninfo">Scan ${a(href('/scans', p), s.name)} (#${esc(s.id)}, ${esc(s.source)}, data of ${esc(scanDateLabel(s))}, ${esc(s.state)}) · ${esc(judgedLabel(v.asOf, s))} · knowledge base ${esc(o.kbVersion ?? 'not recorded')}</p>
${unfinishedRejudgement(s) ? `<p class="note" id="rejudging-note"><strong>Note: ${esc(incompleteNote(s) ?? '')}.</strong></p>\n` : ''}<p class="lead">${esc(headlineSentence(h))}</p>
<section class="tiles">${tiles}</section>
<details class="families"><summary>Every CVE family (${esc(h.families.length)})</summary>${familyTable}</details>
<h2>On-premises Exchange servers by country</h2>
<p class="hint">Select a country to drill down.</p>
<div id="map" class="map">${map.svg}</div>
${mapLegend(Math.max(0, ...counts.values()))}
${map.unmapped.length ? `<p>Not on the map: ${esc(map.unmapped.join(', '))}.</p>` : ''}
<p class="source">Source: scan ${esc(s.name)} (${esc(s.source)}). Geolocation: ip-location-db, CC BY 4.0 (see footer).</p>
<h2>Drill down</h2>
<nav class="crumbs" aria-label="drill-down">${crumbs.join(' › ')}</nav>
${drill}
<h2>By continent (red: past end of support)</h2>
${continents}
<h2>By product (red: past end of support)</h2>
${products}
<h2>Over time: series ${esc(s.series)}</h2>
${trend}
<p class="note">${esc(UNIT_NOTE)}</p>`;
  return layout({
    title: 'Exchange census',
    path: '/',
    params: p,
    body,
    api: href('/api/census', p, { by: 'continent' }),
    guarded: c.guarded,
    attribution: GEO_ATTRIBUTION,
  });
}
