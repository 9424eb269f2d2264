// Parses CISA's Known Exploited Vulnerabilities JSON and keeps the entries for our products
// (vendor and product names from data/kb-sources.json; a loose match on a word would also catch
// other vendors' "Internet Key Exchange").
import type { SourcesConfig } from './config.js';
import { SourceError } from './download.js';
import { looksLikeHtml } from './read-source.js';

type Config = SourcesConfig['sources']['kev'];

export interface KevEntry {
  cve: string;
  dateAdded: string;
  ransomware: boolean;
}

export interface ParsedKev {
  catalogVersion: string;
  entries: KevEntry[];
  /** Entries of the whole catalog (all vendors) read. */
  total: number;
}

export function parseKev(text: string, cfg: Config, label: string): ParsedKev {
  if (looksLikeHtml(text)) throw new SourceError('E_HTML', `${label}: an HTML page, not the KEV catalog`);
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new SourceError('E_FORMAT', `${label}: malformed JSON (${(err as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new SourceError('E_FORMAT', `${label}: not a KEV catalog object`);
  const doc = raw as Record<string, unknown>;
  const unknown = Object.keys(doc).filter((k) => !cfg.fields.includes(k));
  if (unknown.length)
    throw new SourceError(
      'E_NEWER_FORMAT',
      `${label}: fields this version does not know (${unknown.join(', ')}); refused`,
    );
  if (!Array.isArray(doc.vulnerabilities) || typeof doc.catalogVersion !== 'string')
    throw new SourceError('E_FORMAT', `${label}: no catalogVersion or vulnerabilities list`);
  const entries: KevEntry[] = [];
  for (const [i, v] of (doc.vulnerabilities as Record<string, unknown>[]).entries()) {
    const extra = Object.keys(v ?? {}).filter((k) => !cfg.entry_fields.includes(k));
    if (extra.length)
      throw new SourceError(
        'E_NEWER_FORMAT',
        `${label}: entry ${i + 1} has fields this version does not know (${extra.join(', ')}); refused`,
      );
    if (v.vendorProject !== cfg.vendor || !cfg.products.includes(String(v.product))) continue;
    const cve = String(v.cveID ?? '');
    const dateAdded = String(v.dateAdded ?? '');
    if (!/^CVE-\d{4}-\d{4,}$/.test(cve) || !/^\d{4}-\d{2}-\d{2}$/.test(dateAdded))
      throw new SourceError(
        'E_FORMAT',
        `${label}: entry ${i + 1} (${cve || 'no cveID'}) lacks a CVE id or date added`,
      );
    entries.push({ cve, dateAdded, ransomware: v.knownRansomwareCampaignUse === cfg.ransomware_known });
  }
  return { catalogVersion: doc.catalogVersion, entries, total: doc.vulnerabilities.length };
}
