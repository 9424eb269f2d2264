// Parses MSRC's list of CVRF documents (/updates) and picks the monthly documents to read:
// those with a month id from the configured first one on, oldest first.
import type { SourcesConfig } from './config.js';
import { SourceError } from './download.js';
import { looksLikeHtml } from './read-source.js';

type Config = SourcesConfig['sources']['cvrf_index'];

export interface CvrfIndexEntry {
  id: string;
  title: string;
  currentRelease: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2021-Mar" -> 202103, or null when the id is not a month document's. */
export function monthOf(id: string, cfg: Pick<Config, 'id_pattern'>): number | null {
  const m = new RegExp(cfg.id_pattern).exec(id);
  if (!m) return null;
  const month = MONTHS.indexOf(m[2] ?? '');
  return month < 0 ? null : Number(m[1]) * 100 + month + 1;
}

/** Month documents from `first` on (or exactly `only`), oldest first. */
export function selectDocuments(
  ids: string[],
  cfg: Pick<Config, 'id_pattern' | 'first_document'>,
  only?: string[],
): string[] {
  const first = monthOf(cfg.first_document, cfg) ?? 0;
  return ids
    .filter((id) => (only ? only.includes(id) : (monthOf(id, cfg) ?? 0) >= first))
    .filter((id) => monthOf(id, cfg) !== null)
    .sort((a, b) => (monthOf(a, cfg) ?? 0) - (monthOf(b, cfg) ?? 0));
}

export function parseCvrfIndex(text: string, cfg: Config, label: string): CvrfIndexEntry[] {
  if (looksLikeHtml(text)) throw new SourceError('E_HTML', `${label}: an HTML page, not the document list`);
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new SourceError('E_FORMAT', `${label}: malformed JSON (${(err as Error).message})`);
  }
  const doc = raw as { '@odata.context'?: unknown; value?: unknown };
  if (typeof doc !== 'object' || doc === null || !Array.isArray(doc.value))
    throw new SourceError('E_FORMAT', `${label}: no "value" list of documents`);
  if (typeof doc['@odata.context'] !== 'string' || !doc['@odata.context'].endsWith(cfg.odata_context_suffix))
    throw new SourceError(
      'E_NEWER_FORMAT',
      `${label}: not the ${cfg.odata_context_suffix} list this version reads`,
    );
  const out: CvrfIndexEntry[] = [];
  for (const [i, v] of (doc.value as Record<string, unknown>[]).entries()) {
    const unknown = Object.keys(v).filter((k) => !cfg.fields.includes(k));
    if (unknown.length)
      throw new SourceError(
        'E_NEWER_FORMAT',
        `${label}: entry ${i + 1} has fields this version does not know (${unknown.join(', ')})`,
      );
    if (typeof v.ID !== 'string') throw new SourceError('E_FORMAT', `${label}: entry ${i + 1} has no ID`);
    out.push({
      id: v.ID,
      title: String(v.DocumentTitle ?? ''),
      currentRelease: String(v.CurrentReleaseDate ?? ''),
    });
  }
  return out;
}
