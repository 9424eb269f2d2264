// Whether a supported server runs its product's latest update on a date, judged from the release
// the knowledge base named for its build (what the census keeps per server). Pure: no clock.
import { compareVersions, latestRow, linesOfProduct, type KnowledgeBase } from '../kb/index.js';

/**
 * current: the product's latest release on that date (or newer); behind: an older release;
 * unknown: no product or release read, or only the newest CU is known (a three-part build
 * names its CU, whatever security update it carries).
 */
export type UpdateState = 'current' | 'behind' | 'unknown';

export function updateState(
  kb: KnowledgeBase,
  product: string | null | undefined,
  release: string | null | undefined,
  asOf: string,
): UpdateState {
  if (!product || !release) return 'unknown';
  const latest = latestRow(kb, product, asOf);
  if (!latest) return 'unknown';
  if (release === latest.release) return 'current';
  const lines = linesOfProduct(kb, product);
  let named: { parts: number[]; base: boolean; newestLine: boolean } | null = null;
  for (const line of lines)
    for (const row of line.rows)
      if (row.release === release && (!named || compareVersions(row.parts, named.parts) > 0))
        named = { parts: row.parts, base: row === line.base, newestLine: line.rows.includes(latest) };
  if (!named) return 'unknown';
  if (compareVersions(named.parts, latest.parts) >= 0) return 'current';
  if (named.base && named.newestLine) return 'unknown';
  return 'behind';
}
