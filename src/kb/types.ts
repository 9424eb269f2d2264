// The knowledge base in memory: camelCase records plus the indexes the classifier queries.
import type { KbManifest } from './manifest.js';

export interface BuildRow {
  product: string;
  release: string;
  /** 4-part, or 3-part where the table gives only three. */
  build: string;
  buildShort: string;
  /** YYYY-MM-DD, or YYYY-MM when the table gives only a month. */
  date: string;
  kind: string;
  /** Why this row needs care (typo in the table, shared line, reported revision differs). */
  note?: string;
  /** Builds real servers or other lists show for this same release. */
  alsoReportedAs?: string[];
}

/** A table row with its numeric build, as held in the indexes. */
export interface KbRow extends BuildRow {
  parts: number[];
}

/** All rows sharing the first three parts (one CU, SP or rollup), revision ascending. */
export interface BuildLine {
  key: string;
  parts: number[];
  product: string;
  rows: KbRow[];
  /** The release that opens the line (RTM/CU/SP/RU over previews and SUs). */
  base: KbRow;
}

export interface ProductInfo {
  product: string;
  releaseDate: string | null;
  mainstreamEnd: string | null;
  /** Last day of support; null for Modern Lifecycle products. */
  extendedEnd: string | null;
  extendedEndApproximate: boolean;
  policy: 'fixed' | 'modern' | 'retired';
  onPremises: boolean;
  /** For products known only by a version range (a hosted service). */
  versionRange?: { major: number; minorFrom: number };
  note?: string;
  /** Major versions that the product's builds use. */
  majors: number[];
}

export interface FixedBuild {
  build: string;
  parts: number[];
  inTable: boolean;
  explanation?: string;
  /** Release date of the fixing build; the CVE's publication date when the table lacks it. */
  date: string;
}

export interface CveRecord {
  cve: string;
  family: string;
  cvss: number;
  severity: string;
  published: string;
  kev: boolean;
  kevDateAdded: string | null;
  /** CISA KEV's "known ransomware campaign use"; undefined when the KB was built without KEV data. */
  kevRansomware?: boolean;
  products: string[];
  fixedIn: FixedBuild[];
  /** CU lines where only configuration (not a build) can remove the flaw. */
  configOnly: { line: string; note: string }[];
  note?: string;
}

export interface CveFamily {
  key: string;
  title: string;
}

export interface KnowledgeBase {
  builds: BuildRow[];
  products: ProductInfo[];
  cves: CveRecord[];
  families: CveFamily[];
  byBuild: Map<string, KbRow>;
  byAlias: Map<string, KbRow>;
  lines: Map<string, BuildLine>;
  /** "major.minor" -> product boundaries, ascending by first build. */
  minorGroups: Map<string, { from: number; product: string }[]>;
  productByName: Map<string, ProductInfo>;
  dataDir: string;
  /** Shipped with the package, written by `excensus kb update`, or a directory given by hand. */
  origin: 'bundled' | 'updated' | 'directory';
  /** Data date plus a digest of the data files: the same content always has the same version. */
  version: string;
  /** Newest date in the data (a build's release, a CVE's publication, a KEV addition). */
  dataDate: string;
  /** YYYY-MM-DD the KB was last known current: its last update check, else its data date. */
  date: string;
  manifest: KbManifest | null;
}
