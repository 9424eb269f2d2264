// One line of advice, derived from the lifecycle and build data as of a date.
import { compareVersions, latestRow, type KnowledgeBase, type ProductInfo } from '../kb/index.js';
import type { ParsedBuild } from './parse-build.js';
import { supportedSuccessor, type SupportStatus } from './support.js';

export function recommend(
  kb: KnowledgeBase,
  b: ParsedBuild,
  product: ProductInfo,
  support: SupportStatus,
  asOf: string,
): string {
  if (support.eol) {
    const next = supportedSuccessor(kb, asOf);
    const why = `${product.product} support ended ${support.eolDate}`;
    return next ? `Upgrade to ${next.product} (${why})` : `Move to a supported product (${why})`;
  }
  const latest = latestRow(kb, product.product, asOf);
  if (!latest)
    return `No update for ${product.product} is listed as of ${asOf}; check the product's support state`;
  if (b.precision === 'full' && compareVersions(b.parts, latest.parts) >= 0) {
    return `No action: at or above the latest update as of ${asOf} (${latest.release})`;
  }
  return `Install ${latest.release} (${latest.build}) or later`;
}
