// The knowledge base as plain tables: what a source says about each build, product and CVE,
// before the hand-kept annotations are merged in. Both ways of building data/ meet here: the
// reference CSVs (scripts/update-kb.ts) and the bundled data plus upstream sources (kb update).
import { parseCsv, type CsvRecord } from './csv.js';
import type { CveAnnotations, LifecycleAnnotations } from './annotations.js';

export interface BuildTableRow {
  product: string;
  release: string;
  build: string;
  buildShort: string;
  date: string;
  kind: string;
}

export interface LifecycleTableRow {
  product: string;
  releaseDate: string | null;
  mainstreamEnd: string | null;
  extendedEnd: string | null;
}

export interface CveTableRow {
  cve: string;
  cvss: number;
  severity: string;
  published: string;
  kev: boolean;
  kevDateAdded: string | null;
  /** CISA's "known ransomware campaign use"; absent when no KEV data was read for it. */
  kevRansomware?: boolean;
  fixedIn: string[];
  /** Set when the source itself names them (a CVE added from MSRC data without annotations). */
  family?: string;
  products?: string[];
}

export interface KbTables {
  builds: BuildTableRow[];
  lifecycle: LifecycleTableRow[];
  cves: CveTableRow[];
}

function need(rec: CsvRecord, key: string): string {
  const v = rec[key];
  if (v === undefined) throw new Error(`reference CSV lacks column "${key}"`);
  return v.trim();
}

function orNull(v: string): string | null {
  return v === '' ? null : v;
}

/** Tables from the project's reference CSVs (one row per row of Microsoft's table, product, CVE). */
export function tablesFromReferenceCsvs(csv: { builds: string; lifecycle: string; cves: string }): KbTables {
  return {
    builds: parseCsv(csv.builds).map((r) => ({
      product: need(r, 'product'),
      release: need(r, 'release_name'),
      build: need(r, 'build_long') || need(r, 'build_short'),
      buildShort: need(r, 'build_short'),
      date: need(r, 'release_date'),
      kind: need(r, 'kind'),
    })),
    lifecycle: parseCsv(csv.lifecycle).map((r) => ({
      product: need(r, 'product'),
      releaseDate: orNull(need(r, 'release_date')),
      mainstreamEnd: orNull(need(r, 'mainstream_end')),
      extendedEnd: orNull(need(r, 'extended_end')),
    })),
    cves: parseCsv(csv.cves).map((r) => ({
      cve: need(r, 'cve'),
      cvss: Number(need(r, 'cvss')),
      severity: need(r, 'severity'),
      published: need(r, 'published'),
      kev: need(r, 'kev') === 'yes',
      kevDateAdded: orNull(need(r, 'kev_date_added')),
      fixedIn: need(r, 'fixed_in')
        .split(';')
        .map((b) => b.trim())
        .filter(Boolean),
    })),
  };
}

interface DataFiles {
  builds: {
    builds: {
      product: string;
      release: string;
      build: string;
      build_short: string;
      date: string;
      kind: string;
    }[];
  };
  lifecycle: {
    products: {
      product: string;
      release_date: string | null;
      mainstream_end: string | null;
      extended_end: string | null;
    }[];
  };
  cves: {
    cves: {
      cve: string;
      family: string;
      cvss: number;
      severity: string;
      published: string;
      kev: boolean;
      kev_date_added: string | null;
      kev_ransomware?: boolean;
      products: string[];
      fixed_in: { build: string }[];
    }[];
  };
}

/**
 * Tables read back from generated data files (validated by their schemas). Generating again with
 * the same annotations gives the same files: products the annotations define whole (an end date
 * or a version range of their own) are left to them, and so are notes.
 */
export function tablesFromDataFiles(
  files: DataFiles,
  notes: { lifecycle: LifecycleAnnotations; cves: CveAnnotations },
): KbTables {
  const annotationOnly = (p: string): boolean => {
    const n = notes.lifecycle.products[p];
    return n?.extended_end !== undefined || n?.version_range !== undefined;
  };
  return {
    builds: files.builds.builds.map((b) => ({
      product: b.product,
      release: b.release,
      build: b.build,
      buildShort: b.build_short,
      date: b.date,
      kind: b.kind,
    })),
    lifecycle: files.lifecycle.products
      .filter((p) => !annotationOnly(p.product))
      .map((p) => ({
        product: p.product,
        releaseDate: p.release_date,
        mainstreamEnd: p.mainstream_end,
        extendedEnd: p.extended_end,
      })),
    cves: files.cves.cves.map((c) => ({
      cve: c.cve,
      cvss: c.cvss,
      severity: c.severity,
      published: c.published,
      kev: c.kev,
      kevDateAdded: c.kev_date_added,
      ...(c.kev_ransomware !== undefined ? { kevRansomware: c.kev_ransomware } : {}),
      fixedIn: c.fixed_in.map((f) => f.build),
      ...(notes.cves.cves[c.cve] ? {} : { family: c.family, products: c.products }),
    })),
  };
}
