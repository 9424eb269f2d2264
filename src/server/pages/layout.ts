// The frame of every page and the small pieces pages share: links that carry the filters,
// the filter form, tables. Every value is escaped here or by the report's renderers.
import { esc } from './text.js';
import { FILTER_PARAMS } from '../params.js';

export const NAV: Array<[path: string, label: string]> = [
  ['/', 'Overview'],
  ['/hosts', 'Hosts'],
  ['/builds', 'Builds'],
  ['/networks', 'Networks'],
  ['/trend', 'Over time'],
  ['/diff', 'Diff'],
  ['/scans', 'Scans'],
];

/** Parameters a link to another view keeps: the scan, the date and every filter. */
const CARRIED = ['scan', 'as_of', ...FILTER_PARAMS];

/** A URL to `path` with the current view's parameters, changed by `set` (null removes one). */
export function href(
  path: string,
  current: URLSearchParams,
  set: Record<string, string | number | null> = {},
  carry: string[] = CARRIED,
): string {
  const p = new URLSearchParams();
  for (const [k, v] of current) if (carry.includes(k) && !(k in set) && v !== '') p.append(k, v);
  for (const [k, v] of Object.entries(set)) if (v !== null) p.set(k, String(v));
  const q = p.toString();
  return q ? `${path}?${q}` : path;
}

/** An escaped link. */
export function a(url: string, text: string, cls?: string): string {
  return `<a href="${esc(url)}"${cls ? ` class="${cls}"` : ''}>${esc(text)}</a>`;
}

export function num(n: number): string {
  return n.toLocaleString('en-US');
}

export function pct(part: number, whole: number): string {
  return whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : '–';
}

export interface LayoutInput {
  title: string;
  path: string;
  params: URLSearchParams;
  body: string;
  /** Link to the page's JSON twin. */
  api?: string;
  guarded: boolean;
  attribution?: string;
}

export function layout(o: LayoutInput): string {
  const nav = NAV.map(
    ([p, label]) =>
      `<a href="${esc(href(p, o.params))}"${p === o.path ? ' aria-current="page"' : ''}>${esc(label)}</a>`,
  ).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title)} · exchange-census</title>
<link rel="stylesheet" href="/assets/app.css">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<script src="/assets/app.js" defer></script>
</head><body>
<header><span class="brand">exchange-census</span><nav>${nav}</nav>${o.guarded ? '<a class="logout" href="/logout">Log out</a>' : ''}</header>
<main>
<h1>${esc(o.title)}</h1>
${o.body}
</main>
<footer>${o.api ? `<p>This view as JSON: ${a(o.api, o.api)}</p>` : ''}${o.attribution ? `<p>${esc(o.attribution)}</p>` : ''}<p>Served by exchange-census from the local store; nothing here is fetched from elsewhere.</p></footer>
</body></html>
`;
}

export interface FormChoices {
  scans: Array<{ name: string; label: string }>;
  families: string[];
  products: string[];
}

function select(name: string, current: string, options: Array<[string, string]>): string {
  const opts = options
    .map(([v, l]) => `<option value="${esc(v)}"${v === current ? ' selected' : ''}>${esc(l)}</option>`)
    .join('');
  return `<label>${esc(name)} <select name="${esc(name)}" data-autosubmit>${opts}</select></label>`;
}

function input(name: string, label: string, current: string, placeholder: string, extra = ''): string {
  return `<label>${esc(label)} <input name="${esc(name)}" value="${esc(current)}" placeholder="${esc(placeholder)}"${extra}></label>`;
}

/** The filter form: a GET form, so the URL carries every filter and a link reproduces the view. */
export function filterForm(action: string, p: URLSearchParams, c: FormChoices, keep: string[] = []): string {
  const g = (k: string) => p.getAll(k).join(',');
  const hidden = keep
    .filter((k) => p.get(k))
    .map((k) => `<input type="hidden" name="${esc(k)}" value="${esc(p.get(k) ?? '')}">`)
    .join('');
  return `<form class="filters" method="get" action="${esc(action)}">
${select('scan', p.get('scan') ?? '', [['', 'latest scan'], ...c.scans.map((s): [string, string] => [s.name, s.label])])}
${input('as_of', 'as of', p.get('as_of') ?? '', 'YYYY-MM-DD', ' pattern="\\d{4}-\\d{2}-\\d{2}"')}
${select('product', g('product'), [['', 'any product'], ...c.products.map((x): [string, string] => [x, x])])}
${select('eol', p.get('eol') ?? '', [
  ['', 'any support'],
  ['1', 'past end of support'],
])}
${select('family', g('family'), [['', 'any CVE family'], ...c.families.map((x): [string, string] => [x, x])])}
${input('continent', 'continent', g('continent'), 'EU')}
${input('country', 'country', g('country'), 'DE')}
${input('asn', 'ASN', g('asn'), '3320')}
${hidden}<button type="submit">Apply</button> ${a(action, 'Clear')}
</form>`;
}

export interface Col<T> {
  label: string;
  numeric?: boolean;
  /** Cell HTML (already escaped). */
  html: (row: T) => string;
  /** Sort link (host table): the header becomes a link. */
  sortUrl?: string;
  sorted?: 'asc' | 'desc';
}

export function table<T>(id: string, cols: Array<Col<T>>, rows: T[], empty = 'Nothing to show.'): string {
  if (rows.length === 0) return `<p class="empty" id="${esc(id)}">${esc(empty)}</p>`;
  const head = cols
    .map((c) => {
      const label = c.sortUrl
        ? `<a href="${esc(c.sortUrl)}">${esc(c.label)}${c.sorted === 'asc' ? ' ▲' : c.sorted === 'desc' ? ' ▼' : ''}</a>`
        : esc(c.label);
      return `<th${c.numeric ? ' class="n"' : ''}${c.sorted ? ` aria-sort="${c.sorted === 'asc' ? 'ascending' : 'descending'}"` : ''}>${label}</th>`;
    })
    .join('');
  const body = rows
    .map(
      (r) => `<tr>${cols.map((c) => `<td${c.numeric ? ' class="n"' : ''}>${c.html(r)}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<div class="scroll"><table id="${esc(id)}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** Export links of a view: CSV and JSON of exactly what it shows. */
export function exports(links: Array<[string, string]>): string {
  return `<p class="exports">Export: ${links.map(([u, l]) => a(u, l)).join(' · ')}</p>`;
}
