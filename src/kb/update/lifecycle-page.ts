// Parses endoflife.date's product page (YAML front matter, one entry per release cycle) into
// lifecycle dates per product. Lifecycle only: its `latest` builds never judge a build.
import { parse as parseYaml } from 'yaml';
import type { SourcesConfig } from './config.js';
import { SourceError } from './download.js';
import { looksLikeHtml } from './read-source.js';

type Config = SourcesConfig['sources']['lifecycle'];

export interface LifecycleCycle {
  product: string;
  releaseDate: string | null;
  /** End of mainstream support; null when the page says there is none (yet). */
  mainstreamEnd: string | null;
  extendedEnd: string | null;
  latest: string | null;
  latestDate: string | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function dateOrNull(v: unknown, what: string, label: string): string | null {
  if (v === undefined || v === null || typeof v === 'boolean') return null;
  const s = String(v);
  if (!DATE.test(s)) throw new SourceError('E_FORMAT', `${label}: ${what} "${s}" is not a date`);
  return s;
}

export function parseLifecyclePage(
  text: string,
  cfg: Config,
  label: string,
): { cycles: LifecycleCycle[]; skipped: string[] } {
  if (looksLikeHtml(text))
    throw new SourceError('E_HTML', `${label}: an HTML page, not the product page source`);
  const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(text);
  if (!m) throw new SourceError('E_FORMAT', `${label}: no front matter (--- ... ---); truncated?`);
  let front: unknown;
  try {
    front = parseYaml(m[1]!);
  } catch (err) {
    throw new SourceError('E_FORMAT', `${label}: malformed YAML (${(err as Error).message})`);
  }
  const releases = (front as { releases?: unknown } | null)?.releases;
  if (!Array.isArray(releases)) throw new SourceError('E_FORMAT', `${label}: no releases list`);
  const cycles: LifecycleCycle[] = [];
  const skipped: string[] = [];
  for (const r of releases as Record<string, unknown>[]) {
    const unknown = Object.keys(r).filter((k) => !cfg.release_fields.includes(k));
    if (unknown.length)
      throw new SourceError(
        'E_NEWER_FORMAT',
        `${label}: release fields this version does not know (${unknown.join(', ')}); refused`,
      );
    const cycle = String(r.releaseCycle ?? '');
    const product = cfg.cycles[cycle];
    if (product === undefined) {
      skipped.push(`${label}: release cycle "${cycle}" names no product this version knows; skipped`);
      continue;
    }
    cycles.push({
      product,
      releaseDate: dateOrNull(r.releaseDate, `${cycle} releaseDate`, label),
      mainstreamEnd: dateOrNull(r.eoas, `${cycle} eoas`, label),
      extendedEnd: dateOrNull(r.eol, `${cycle} eol`, label),
      latest: typeof r.latest === 'string' ? r.latest : null,
      latestDate: dateOrNull(r.latestReleaseDate, `${cycle} latestReleaseDate`, label),
    });
  }
  if (cycles.length === 0) throw new SourceError('E_FORMAT', `${label}: no release cycle of ours`);
  return { cycles, skipped };
}
