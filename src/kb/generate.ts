// Turns the reference CSVs plus the hand-kept data/*.annotations.json into data/*.json.
// Pure (text in, text out) so the drift test can run it without touching data/.
import { parseCsv, type CsvRecord } from './csv.js';
import { splitVersion } from './version.js';
import type { BuildAnnotations, CveAnnotations, LifecycleAnnotations } from './annotations.js';

export const GENERATOR = 'scripts/update-kb.ts';
const HOWTO =
  'Generated file: do not edit. Change the reference CSVs or data/*.annotations.json, then run `node --import tsx scripts/update-kb.ts` (see data/SOURCES.md).';

export interface GeneratorInput {
  buildsCsv: string;
  lifecycleCsv: string;
  cvesCsv: string;
  buildNotes: BuildAnnotations;
  lifecycleNotes: LifecycleAnnotations;
  cveNotes: CveAnnotations;
}

export interface GeneratedFiles {
  'builds.json': string;
  'lifecycle.json': string;
  'cves.json': string;
}

function need(rec: CsvRecord, key: string): string {
  const v = rec[key];
  if (v === undefined) throw new Error(`reference CSV lacks column "${key}"`);
  return v.trim();
}

/** Objects one per line inside arrays: small diffs when one row changes. */
function render(header: Record<string, unknown>, listKey: string, list: object[]): string {
  const head = Object.entries(header).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  const body = list.map((o, i) => `    ${JSON.stringify(o)}${i < list.length - 1 ? ',' : ''}`);
  return ['{', ...head, `  ${JSON.stringify(listKey)}: [`, ...body, '  ]', '}', ''].join('\n');
}

function generateBuilds(
  csv: string,
  notes: BuildAnnotations,
): { text: string; builds: Set<string>; productOf: Map<string, string> } {
  const used = new Set<string>();
  const builds = new Set<string>();
  const productOf = new Map<string, string>();
  const rows = parseCsv(csv).map((r) => {
    const build = need(r, 'build_long') || need(r, 'build_short');
    const extra = notes.rows[build];
    if (extra) used.add(build);
    builds.add(build);
    productOf.set(build, need(r, 'product'));
    return {
      product: need(r, 'product'),
      release: need(r, 'release_name'),
      build,
      build_short: need(r, 'build_short'),
      date: need(r, 'release_date'),
      kind: need(r, 'kind'),
      ...(extra?.note ? { note: extra.note } : {}),
      ...(extra?.also_reported_as ? { also_reported_as: extra.also_reported_as } : {}),
    };
  });
  const stale = Object.keys(notes.rows).filter((b) => !used.has(b));
  if (stale.length)
    throw new Error(`builds.annotations.json names builds not in the table: ${stale.join(', ')}`);
  return {
    text: render({ generated_by: GENERATOR, about: HOWTO, source: 'exchange-builds.csv' }, 'builds', rows),
    builds,
    productOf,
  };
}

function orNull(v: string): string | null {
  return v === '' ? null : v;
}

function generateLifecycle(csv: string, notes: LifecycleAnnotations): string {
  const seen = new Set<string>();
  const products: object[] = parseCsv(csv).map((r) => {
    const product = need(r, 'product');
    seen.add(product);
    const extra = notes.products[product] ?? {};
    const extendedEnd = orNull(need(r, 'extended_end'));
    return {
      product,
      release_date: orNull(need(r, 'release_date')),
      mainstream_end: orNull(need(r, 'mainstream_end')),
      extended_end: extendedEnd,
      policy: extra.policy ?? (extendedEnd ? 'fixed' : 'modern'),
      on_premises: extra.on_premises ?? true,
      ...(extra.extended_end_approximate ? { extended_end_approximate: true } : {}),
      ...(extra.note ? { note: extra.note } : {}),
    };
  });
  // Products the reference file lacks come wholly from the annotations.
  for (const [product, extra] of Object.entries(notes.products)) {
    if (seen.has(product)) continue;
    products.push({
      product,
      release_date: null,
      mainstream_end: null,
      extended_end: extra.extended_end ?? null,
      policy: extra.policy ?? 'fixed',
      on_premises: extra.on_premises ?? true,
      ...(extra.version_range ? { version_range: extra.version_range } : {}),
      ...(extra.extended_end_approximate ? { extended_end_approximate: true } : {}),
      ...(extra.note ? { note: extra.note } : {}),
    });
  }
  return render(
    { generated_by: GENERATOR, about: HOWTO, source: 'exchange-lifecycle.csv' },
    'products',
    products,
  );
}

function generateCves(csv: string, notes: CveAnnotations, builds: Set<string>): string {
  const families = new Set(notes.families.map((f) => f.key));
  const seen = new Set<string>();
  const cves = parseCsv(csv).map((r) => {
    const cve = need(r, 'cve');
    seen.add(cve);
    const extra = notes.cves[cve];
    if (!extra) throw new Error(`cves.annotations.json has no entry for ${cve}`);
    if (!families.has(extra.family))
      throw new Error(`${cve}: family "${extra.family}" is not in the families list`);
    const fixedIn = need(r, 'fixed_in')
      .split(';')
      .map((b) => b.trim())
      .filter(Boolean)
      .map((build) => {
        if (!splitVersion(build)) throw new Error(`${cve}: fixed_in "${build}" is not a build`);
        const why = extra.unlisted_fixes?.[build];
        return { build, in_table: builds.has(build), ...(why ? { explanation: why } : {}) };
      });
    return {
      cve,
      family: extra.family,
      cvss: Number(need(r, 'cvss')),
      severity: need(r, 'severity'),
      published: need(r, 'published'),
      kev: need(r, 'kev') === 'yes',
      kev_date_added: orNull(need(r, 'kev_date_added')),
      products: extra.products,
      fixed_in: fixedIn,
      ...(extra.config_only ? { config_only: extra.config_only } : {}),
      ...(extra.note ? { note: extra.note } : {}),
    };
  });
  const stale = Object.keys(notes.cves).filter((c) => !seen.has(c));
  if (stale.length)
    throw new Error(`cves.annotations.json names CVEs not in the reference: ${stale.join(', ')}`);
  return render(
    { generated_by: GENERATOR, about: HOWTO, source: 'exchange-cves.csv', families: notes.families },
    'cves',
    cves,
  );
}

export function generateKnowledgeBase(input: GeneratorInput): GeneratedFiles {
  const b = generateBuilds(input.buildsCsv, input.buildNotes);
  return {
    'builds.json': b.text,
    'lifecycle.json': generateLifecycle(input.lifecycleCsv, input.lifecycleNotes),
    'cves.json': generateCves(input.cvesCsv, input.cveNotes, b.builds),
  };
}
