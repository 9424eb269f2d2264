// Parses an MSRC CVRF 1.1 document (XML) into what the knowledge base needs: for each
// vulnerability, its CVE, dates, score, affected product ids and vendor fixes (KB, products,
// fixed build). Which products are ours is decided later (cvrf-fixes.ts).
import type { SourcesConfig } from './config.js';
import { SourceError } from './download.js';
import { looksLikeHtml } from './read-source.js';
import {
  child,
  childText,
  childrenNamed,
  descendants,
  parseXmlTree,
  XmlError,
  type XmlElement,
} from './xml-tree.js';

type Config = SourcesConfig['sources']['cvrf'];

export interface CvrfFix {
  kb: string | null;
  productIds: string[];
  fixedBuild: string | null;
}

export interface CvrfVulnerability {
  cve: string;
  title: string;
  /** YYYY-MM-DD of the first revision. */
  published: string | null;
  /** Highest CVSS base score over the products. */
  cvss: number | null;
  affected: string[];
  fixes: CvrfFix[];
}

export interface CvrfDocument {
  id: string;
  title: string;
  currentRelease: string;
  products: Map<string, string>;
  vulnerabilities: CvrfVulnerability[];
}

/** Long prose the knowledge base never uses. */
const SKIP = new Set(['Notes', 'DocumentNotes', 'Acknowledgments', 'DocumentPublisher']);

function vulnerability(v: XmlElement, fixType: string): CvrfVulnerability | null {
  const cve = childText(v, 'CVE');
  if (!cve) return null;
  const dates = descendants(child(v, 'RevisionHistory') ?? v, 'Date')
    .map((d) => d.text.trim().slice(0, 10))
    .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))
    .sort();
  const scores = descendants(child(v, 'CVSSScoreSets') ?? v, 'BaseScore')
    .map((s) => Number(s.text))
    .filter((n) => Number.isFinite(n));
  const affected = childrenNamed(child(v, 'ProductStatuses') ?? v, 'Status').flatMap((s) =>
    childrenNamed(s, 'ProductID').map((p) => p.text.trim()),
  );
  const fixes = childrenNamed(child(v, 'Remediations') ?? v, 'Remediation')
    .filter((r) => r.attrs.Type === fixType)
    .map((r) => ({
      kb: childText(r, 'Description'),
      productIds: childrenNamed(r, 'ProductID').map((p) => p.text.trim()),
      fixedBuild: childText(r, 'FixedBuild') || null,
    }));
  return {
    cve,
    title: childText(v, 'Title') ?? '',
    published: dates[0] ?? null,
    cvss: scores.length ? Math.max(...scores) : null,
    affected,
    fixes,
  };
}

export async function parseCvrf(text: string, cfg: Config, label: string): Promise<CvrfDocument> {
  if (looksLikeHtml(text)) throw new SourceError('E_HTML', `${label}: an HTML page, not a CVRF document`);
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('{'))
    throw new SourceError(
      'E_NEWER_FORMAT',
      `${label}: CVRF as JSON is not read by this version; ask for XML`,
    );
  let root: XmlElement;
  try {
    root = await parseXmlTree(trimmed, SKIP);
  } catch (err) {
    if (err instanceof XmlError) throw new SourceError('E_FORMAT', `${label}: malformed XML: ${err.message}`);
    throw err;
  }
  const declared = Object.entries(root.attrs)
    .filter(([k]) => k.startsWith('xmlns:'))
    .map(([, v]) => v);
  if (root.local !== 'cvrfdoc')
    throw new SourceError('E_FORMAT', `${label}: not a CVRF document (<${root.name}>)`);
  for (const ns of Object.values(cfg.namespaces))
    if (!declared.includes(ns))
      throw new SourceError(
        'E_NEWER_FORMAT',
        `${label}: does not use ${ns}; a newer CVRF version is refused until the parser knows it`,
      );
  const tracking = child(root, 'DocumentTracking');
  const id = tracking ? childText(child(tracking, 'Identification') ?? tracking, 'ID') : null;
  if (!id) throw new SourceError('E_FORMAT', `${label}: no document ID`);
  const products = new Map<string, string>();
  for (const p of descendants(child(root, 'ProductTree') ?? root, 'FullProductName'))
    if (p.attrs.ProductID) products.set(p.attrs.ProductID, p.text.trim());
  const vulnerabilities = childrenNamed(root, 'Vulnerability')
    .map((v) => vulnerability(v, cfg.fix_type))
    .filter((v): v is CvrfVulnerability => v !== null);
  return {
    id,
    title: childText(root, 'DocumentTitle') ?? id,
    currentRelease: (tracking && childText(tracking, 'CurrentReleaseDate')) ?? '',
    products,
    vulnerabilities,
  };
}
