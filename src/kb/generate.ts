// Turns knowledge tables plus the hand-kept data/*.annotations.json into the data files
// (builds.json, lifecycle.json, cves.json). Pure (tables in, text out): scripts/update-kb.ts and
// `excensus kb update` both write what this returns.
import { splitVersion } from './version.js';
import type { BuildAnnotations, CveAnnotations, LifecycleAnnotations } from './annotations.js';
import type { BuildTableRow, CveTableRow, KbTables, LifecycleTableRow } from './tables.js';

export const GENERATOR = 'scripts/update-kb.ts';
const HOWTO =
  'Generated file: do not edit. Change the reference CSVs or data/*.annotations.json, then run `node --import tsx scripts/update-kb.ts` (see data/SOURCES.md).';

/** What the files say about themselves: who wrote them, how to change them, from what. */
export interface GeneratedHeader {
  generatedBy: string;
  about: string;
  sources: { builds: string; lifecycle: string; cves: string };
}

export const REFERENCE_HEADER: GeneratedHeader = {
  generatedBy: GENERATOR,
  about: HOWTO,
  sources: { builds: 'exchange-builds.csv', lifecycle: 'exchange-lifecycle.csv', cves: 'exchange-cves.csv' },
};

export interface GeneratorInput {
  tables: KbTables;
  buildNotes: BuildAnnotations;
  lifecycleNotes: LifecycleAnnotations;
  cveNotes: CveAnnotations;
  header?: GeneratedHeader;
}

export interface GeneratedFiles {
  'builds.json': string;
  'lifecycle.json': string;
  'cves.json': string;
}

/** Objects one per line inside arrays: small diffs when one row changes. */
function render(header: Record<string, unknown>, listKey: string, list: object[]): string {
  const head = Object.entries(header).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  const body = list.map((o, i) => `    ${JSON.stringify(o)}${i < list.length - 1 ? ',' : ''}`);
  return ['{', ...head, `  ${JSON.stringify(listKey)}: [`, ...body, '  ]', '}', ''].join('\n');
}

function head(h: GeneratedHeader, source: string): Record<string, unknown> {
  return { generated_by: h.generatedBy, about: h.about, source };
}

function generateBuilds(
  table: BuildTableRow[],
  notes: BuildAnnotations,
  h: GeneratedHeader,
): { text: string; builds: Set<string> } {
  const used = new Set<string>();
  const builds = new Set<string>();
  const rows = table.map((r) => {
    const extra = notes.rows[r.build];
    if (extra) used.add(r.build);
    builds.add(r.build);
    return {
      product: r.product,
      release: r.release,
      build: r.build,
      build_short: r.buildShort,
      date: r.date,
      kind: r.kind,
      ...(extra?.note ? { note: extra.note } : {}),
      ...(extra?.also_reported_as ? { also_reported_as: extra.also_reported_as } : {}),
    };
  });
  const stale = Object.keys(notes.rows).filter((b) => !used.has(b));
  if (stale.length)
    throw new Error(`builds.annotations.json names builds not in the table: ${stale.join(', ')}`);
  return { text: render(head(h, h.sources.builds), 'builds', rows), builds };
}

function generateLifecycle(
  table: LifecycleTableRow[],
  notes: LifecycleAnnotations,
  h: GeneratedHeader,
): string {
  const seen = new Set<string>();
  const products: object[] = table.map((r) => {
    seen.add(r.product);
    const extra = notes.products[r.product] ?? {};
    return {
      product: r.product,
      release_date: r.releaseDate,
      mainstream_end: r.mainstreamEnd,
      extended_end: r.extendedEnd,
      policy: extra.policy ?? (r.extendedEnd ? 'fixed' : 'modern'),
      on_premises: extra.on_premises ?? true,
      ...(extra.extended_end_approximate ? { extended_end_approximate: true } : {}),
      ...(extra.note ? { note: extra.note } : {}),
    };
  });
  // Products the table lacks come wholly from the annotations.
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
  return render(head(h, h.sources.lifecycle), 'products', products);
}

/** Family and products: the annotation's, else the row's own (a CVE a source added). */
function cveGrouping(r: CveTableRow, notes: CveAnnotations): { family: string; products: string[] } {
  const extra = notes.cves[r.cve];
  if (extra) return { family: extra.family, products: extra.products };
  const family = r.family ?? notes.default_family;
  if (!r.products?.length || family === undefined)
    throw new Error(`cves.annotations.json has no entry for ${r.cve}`);
  return { family, products: r.products };
}

function generateCves(
  table: CveTableRow[],
  notes: CveAnnotations,
  builds: Set<string>,
  h: GeneratedHeader,
): string {
  const families = new Set(notes.families.map((f) => f.key));
  const seen = new Set<string>();
  const cves = table.map((r) => {
    seen.add(r.cve);
    const extra = notes.cves[r.cve];
    const { family, products } = cveGrouping(r, notes);
    if (!families.has(family)) throw new Error(`${r.cve}: family "${family}" is not in the families list`);
    const fixedIn = r.fixedIn.map((build) => {
      if (!splitVersion(build)) throw new Error(`${r.cve}: fixed_in "${build}" is not a build`);
      const why = extra?.unlisted_fixes?.[build];
      return { build, in_table: builds.has(build), ...(why ? { explanation: why } : {}) };
    });
    return {
      cve: r.cve,
      family,
      cvss: r.cvss,
      severity: r.severity,
      published: r.published,
      kev: r.kev,
      kev_date_added: r.kevDateAdded,
      ...(r.kevRansomware !== undefined ? { kev_ransomware: r.kevRansomware } : {}),
      products,
      fixed_in: fixedIn,
      ...(extra?.config_only ? { config_only: extra.config_only } : {}),
      ...(extra?.note ? { note: extra.note } : {}),
    };
  });
  const stale = Object.keys(notes.cves).filter((c) => !seen.has(c));
  if (stale.length)
    throw new Error(`cves.annotations.json names CVEs not in the reference: ${stale.join(', ')}`);
  return render({ ...head(h, h.sources.cves), families: notes.families }, 'cves', cves);
}

export function generateKnowledgeBase(input: GeneratorInput): GeneratedFiles {
  const h = input.header ?? REFERENCE_HEADER;
  const b = generateBuilds(input.tables.builds, input.buildNotes, h);
  return {
    'builds.json': b.text,
    'lifecycle.json': generateLifecycle(input.tables.lifecycle, input.lifecycleNotes, h),
    'cves.json': generateCves(input.tables.cves, input.cveNotes, b.builds, h),
  };
}
