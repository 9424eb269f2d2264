// Reads the build dictionary of CSS-Exchange's HealthChecker (PowerShell hashtables: product ->
// CU -> CU build and SU name -> SU build). A cross-check only: it never adds to the KB.
import type { SourcesConfig } from './config.js';
import { SourceError } from './download.js';
import { looksLikeHtml } from './read-source.js';
import { formatVersion, splitVersion } from '../version.js';

type Config = SourcesConfig['sources']['css_builds'];

export interface CssBuild {
  product: string;
  cu: string;
  /** The SU name, or null for the CU's own build. */
  update: string | null;
  build: string;
}

const PRODUCT = /^\s*"([A-Za-z0-9]+)"\s*=\s*@\{\s*$/;
const CU = /^\s*"([A-Za-z0-9]+)"\s*=\s*\(\s*NewCUAndSUObject\s+"([\d.]+)"/;
const SU = /^\s*"([A-Za-z0-9]+)"\s*=\s*"([\d.]+)"\s*$/;

export function parseCssBuilds(text: string, cfg: Config, label: string): CssBuild[] {
  if (looksLikeHtml(text)) throw new SourceError('E_HTML', `${label}: an HTML page, not the script`);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const start = lines.findIndex((l) => new RegExp(`^function\\s+${cfg.dictionary_function}\\b`).test(l));
  if (start < 0) throw new SourceError('E_FORMAT', `${label}: no function ${cfg.dictionary_function}`);
  const out: CssBuild[] = [];
  let product: string | null = null;
  let cu: string | null = null;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^function\s/.test(line)) break;
    const p = PRODUCT.exec(line);
    if (p) {
      product = cfg.products[p[1]!] ?? null;
      cu = null;
      continue;
    }
    if (product === null) continue;
    const c = CU.exec(line);
    const s = c ? null : SU.exec(line);
    const build = splitVersion((c ?? s)?.[2] ?? '');
    if (c && build) {
      cu = c[1]!;
      out.push({ product, cu, update: null, build: formatVersion(build) });
    } else if (s && build && cu) out.push({ product, cu, update: s[1]!, build: formatVersion(build) });
  }
  if (out.length === 0)
    throw new SourceError('E_FORMAT', `${label}: no builds in ${cfg.dictionary_function}`);
  return out;
}
