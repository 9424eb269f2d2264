// Pure queries over a loaded knowledge base.
import { compareVersions, lineKey } from './version.js';
import type { BuildLine, KbRow, KnowledgeBase, ProductInfo } from './types.js';

export type ProductMatch =
  | { kind: 'product'; product: ProductInfo }
  /** major.minor is shared and the build part is missing (15.2: 2019 or SE). */
  | { kind: 'ambiguous'; products: string[] }
  | { kind: 'unknown' };

/** Which product a (2- to 4-part) build belongs to, from version ranges and the table. */
export function productOf(kb: KnowledgeBase, parts: readonly number[]): ProductMatch {
  const [major, minor, build] = parts;
  for (const p of kb.products) {
    const r = p.versionRange;
    if (r && major === r.major && (minor ?? -1) >= r.minorFrom) return { kind: 'product', product: p };
  }
  const group = kb.minorGroups.get(`${major}.${minor}`);
  if (!group || group.length === 0) return { kind: 'unknown' };
  if (build === undefined && group.length > 1)
    return { kind: 'ambiguous', products: group.map((g) => g.product) };
  // The last product whose first build is at or below this one; below every product: the oldest.
  let name = group[0]?.product;
  for (const g of group) if (build !== undefined && build >= g.from) name = g.product;
  const product = name ? kb.productByName.get(name) : undefined;
  return product ? { kind: 'product', product } : { kind: 'unknown' };
}

export function lineOf(kb: KnowledgeBase, parts: readonly number[]): BuildLine | undefined {
  return parts.length >= 3 ? kb.lines.get(lineKey(parts)) : undefined;
}

// Per-knowledge-base memos: these run once per classified record, so bulk ingest depends on them.
const linesMemo = new WeakMap<KnowledgeBase, Map<string, BuildLine[]>>();
const latestMemo = new WeakMap<KnowledgeBase, Map<string, KbRow | undefined>>();

/** Lines of a product, ascending. */
export function linesOfProduct(kb: KnowledgeBase, product: string): BuildLine[] {
  let memo = linesMemo.get(kb);
  if (!memo) linesMemo.set(kb, (memo = new Map()));
  let lines = memo.get(product);
  if (!lines) {
    lines = [...kb.lines.values()]
      .filter((l) => l.product === product)
      .sort((a, b) => compareVersions(a.parts, b.parts));
    memo.set(product, lines);
  }
  return lines;
}

/** The product's highest build released on or before asOf (month-only dates count as that month). */
export function latestRow(kb: KnowledgeBase, product: string, asOf: string): KbRow | undefined {
  let memo = latestMemo.get(kb);
  if (!memo || memo.size > 4096) latestMemo.set(kb, (memo = new Map()));
  const key = `${product}\u0000${asOf}`;
  if (memo.has(key)) return memo.get(key);
  const row = findLatestRow(kb, product, asOf);
  memo.set(key, row);
  return row;
}

function findLatestRow(kb: KnowledgeBase, product: string, asOf: string): KbRow | undefined {
  let best: KbRow | undefined;
  for (const line of linesOfProduct(kb, product)) {
    for (const row of line.rows) {
      if (!releasedBy(row.date, asOf)) continue;
      if (!best || compareVersions(row.parts, best.parts) > 0) best = row;
    }
  }
  return best;
}

/** Whether a release existed on asOf. */
export function releasedBy(date: string, asOf: string): boolean {
  return date.length === 10 ? date <= asOf : date <= asOf.slice(0, 7);
}
