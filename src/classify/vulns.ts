// Per-CVE verdicts for one build, following the fixed-build rules in data/cves.json:
// same line -> compare revisions; other lines -> patched only if newer than every fixed line.
import type { VulnVerdict } from '../core/classification.js';
import {
  compareVersions,
  lineKey,
  productOf,
  releasedBy,
  type CveRecord,
  type FixedBuild,
  type KnowledgeBase,
  type ProductInfo,
} from '../kb/index.js';
import type { ParsedBuild } from './parse-build.js';

const fixedProductCache = new WeakMap<KnowledgeBase, Map<FixedBuild, string | null>>();

function fixedProduct(kb: KnowledgeBase, f: FixedBuild): string | null {
  let m = fixedProductCache.get(kb);
  if (!m) fixedProductCache.set(kb, (m = new Map()));
  if (!m.has(f)) {
    const pm = productOf(kb, f.parts);
    m.set(f, pm.kind === 'product' ? pm.product.product : null);
  }
  return m.get(f) ?? null;
}

/** Fixes that speak for this build: same product, or same major.minor (a successor sharing it). */
function relevantFixes(kb: KnowledgeBase, cve: CveRecord, b: ParsedBuild, product: string): FixedBuild[] {
  return cve.fixedIn.filter(
    (f) => fixedProduct(kb, f) === product || (f.parts[0] === b.parts[0] && f.parts[1] === b.parts[1]),
  );
}

function judgeApplicable(
  kb: KnowledgeBase,
  cve: CveRecord,
  b: ParsedBuild,
  product: string,
  asOf: string,
): VulnVerdict {
  const base = { cve: cve.cve, family: cve.family, kev: cve.kev };
  const fixes = relevantFixes(kb, cve, b, product);
  const key = b.parts.length >= 3 ? lineKey(b.parts) : null;
  const configOnly = key ? cve.configOnly.find((c) => c.line === key) : undefined;
  if (b.precision === 'product') {
    const anyFix =
      fixes.length > 0 ||
      cve.configOnly.some((c) => {
        const pm = productOf(kb, c.line.split('.').map(Number));
        return pm.kind === 'product' && pm.product.product === product;
      });
    return { ...base, status: anyFix ? 'likely' : 'vulnerable' };
  }
  const onLine = fixes.find((f) => lineKey(f.parts) === key);
  if (onLine) {
    const fixRev = onLine.parts[3] ?? 0;
    const rev = b.parts[3];
    if (b.precision === 'full')
      return { ...base, status: (rev ?? 0) >= fixRev ? 'patched' : 'vulnerable', fixedIn: onLine.build };
    // CU precision: a revision given anyway is a lower bound; the CU's own build may carry the fix.
    const lineBase = kb.lines.get(key ?? '')?.base.parts[3];
    if ((rev !== undefined && rev >= fixRev) || (lineBase !== undefined && lineBase >= fixRev))
      return { ...base, status: 'patched', fixedIn: onLine.build };
    return {
      ...base,
      status: releasedBy(onLine.date, asOf) ? 'likely' : 'vulnerable',
      fixedIn: onLine.build,
    };
  }
  const cuParts = b.parts.slice(0, 3);
  const newerThanAll =
    fixes.length > 0 && fixes.every((f) => compareVersions(f.parts.slice(0, 3), cuParts) < 0);
  if (newerThanAll) return { ...base, status: 'patched' };
  if (configOnly) return { ...base, status: 'likely', note: configOnly.note };
  return { ...base, status: 'vulnerable' };
}

/** Every CVE published by asOf that concerns the product. */
export function judgeVulns(
  kb: KnowledgeBase,
  b: ParsedBuild,
  product: ProductInfo,
  asOf: string,
): VulnVerdict[] {
  const out: VulnVerdict[] = [];
  for (const cve of kb.cves) {
    if (!releasedBy(cve.published, asOf)) continue;
    if (cve.products.includes(product.product)) {
      out.push(judgeApplicable(kb, cve, b, product.product, asOf));
      continue;
    }
    // Past end of support when the CVE came out, same code generation as an affected product:
    // Microsoft never assessed it, so it is presumed vulnerable and reported apart.
    const eolBefore = product.extendedEnd !== null && product.extendedEnd < cve.published;
    const sameGeneration = cve.products.some((name) =>
      kb.productByName.get(name)?.majors.some((m) => product.majors.includes(m)),
    );
    if (product.onPremises && eolBefore && sameGeneration) {
      out.push({
        cve: cve.cve,
        family: cve.family,
        kev: cve.kev,
        status: 'unassessed',
        note: `${product.product} was past end of support when ${cve.cve} was published; never assessed, presumed vulnerable.`,
      });
    }
  }
  return out;
}

/** Verdicts when not even the product line is known. */
export function unknownVulns(kb: KnowledgeBase, asOf: string): VulnVerdict[] {
  return kb.cves
    .filter((c) => releasedBy(c.published, asOf))
    .map((c) => ({ cve: c.cve, family: c.family, kev: c.kev, status: 'unknown' as const }));
}

const assessedCache = new WeakMap<KnowledgeBase, Map<string, boolean>>();

/**
 * Whether the knowledge base judges CVEs for a product at all. Exchange 2007 and 2003 have no CVE
 * record (none lists them, none of their code generation): their CVE columns read "not assessed",
 * never "none", which would claim they are clean. Names the KB does not know are not ours to judge.
 */
export function cvesAssessed(kb: KnowledgeBase, productName: string): boolean {
  let known = assessedCache.get(kb);
  if (!known) assessedCache.set(kb, (known = new Map()));
  const hit = known.get(productName);
  if (hit !== undefined) return hit;
  const p = kb.productByName.get(productName);
  const assessed =
    !p ||
    !p.onPremises ||
    kb.cves.some((c) =>
      c.products.some((name) => {
        if (name === p.product) return true;
        return kb.productByName.get(name)?.majors.some((m) => p.majors.includes(m)) ?? false;
      }),
    );
  known.set(productName, assessed);
  return assessed;
}
