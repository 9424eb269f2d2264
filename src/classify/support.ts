// End of support on a given date. The date is the product's last supported day.
import type { KnowledgeBase, ProductInfo } from '../kb/index.js';

export interface SupportStatus {
  eol: boolean;
  eolDate: string | null;
  daysPastEol: number | null;
  note?: string;
}

const DAY_MS = 86_400_000;

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function supportStatus(p: ProductInfo, asOf: string): SupportStatus {
  const end = p.extendedEnd;
  if (end === null) return { eol: false, eolDate: null, daysPastEol: null };
  const eol = asOf > end;
  return {
    eol,
    eolDate: end,
    daysPastEol: eol ? daysBetween(end, asOf) : null,
    ...(p.extendedEndApproximate ? { note: `End-of-support date ${end} is approximate.` } : {}),
  };
}

/** The newest on-premises product still supported on asOf: what an end-of-life server should move to. */
export function supportedSuccessor(kb: KnowledgeBase, asOf: string): ProductInfo | undefined {
  let best: ProductInfo | undefined;
  for (const p of kb.products) {
    if (!p.onPremises || p.releaseDate === null || p.releaseDate > asOf) continue;
    if (supportStatus(p, asOf).eol) continue;
    if (!best || p.releaseDate > (best.releaseDate ?? '')) best = p;
  }
  return best;
}
