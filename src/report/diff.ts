// Server-by-server comparison of two scans. Each on-premises Exchange server (one per address,
// core/server.ts) in either scan lands in exactly one category; totals count servers.
import type { HostRecord } from '../core/host-record.js';
import { sortByAddress } from '../core/ip.js';
import { familiesWith, isPastEol, openFamilies } from './aggregate.js';
import { productAssessed } from './assessed.js';

export type DiffCategory =
  'new' | 'gone' | 'upgraded' | 'patched' | 'downgraded' | 'still-vulnerable' | 'unchanged';
export const DIFF_CATEGORIES: DiffCategory[] = [
  'new',
  'gone',
  'upgraded',
  'patched',
  'downgraded',
  'still-vulnerable',
  'unchanged',
];

/** What diff keeps of a record: enough to compare, small enough for a million hosts. */
export interface HostSummary {
  key: string;
  product: string | null;
  build: string | null;
  release: string | null;
  eol: boolean;
  open: string[];
  /** False for a product no CVE record covers: `open` is then empty for want of knowledge. */
  cvesAssessed: boolean;
}

export interface HostChange {
  key: string;
  category: DiffCategory;
  before: HostSummary | null;
  after: HostSummary | null;
  /** For changed builds: 'down' (category 'downgraded') when the build went backwards (a restore, a different server). */
  direction?: 'up' | 'down';
}

/** `key`: what identifies it across scans; a record by default (ip:port), a server by its address. */
export function summarise(r: HostRecord, asOf: string, key: 'record' | 'server' = 'record'): HostSummary {
  const c = r.classification;
  return {
    key: key === 'server' ? r.ip : `${r.ip.includes(':') ? `[${r.ip}]` : r.ip}:${r.port}`,
    product: c?.product ?? null,
    build: c?.build ?? r.evidence.build ?? null,
    release: c?.release ?? null,
    eol: isPastEol(r, asOf),
    open: [...openFamilies(r)].sort(),
    cvesAssessed: productAssessed(c?.product),
  };
}

function parts(build: string | null): number[] {
  return (build ?? '')
    .split('.')
    .filter((p) => p !== '')
    .map(Number);
}

function compareBuilds(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** CU = first three build parts; SU = the fourth. A build read to fewer parts never "changes SU". */
export function categorise(before: HostSummary | null, after: HostSummary | null): HostChange {
  const key = (after ?? before)?.key ?? '';
  if (!before) return { key, category: 'new', before: null, after };
  if (!after) return { key, category: 'gone', before, after: null };
  const a = parts(before.build);
  const b = parts(after.build);
  const cuChanged = a.length >= 3 && b.length >= 3 && compareBuilds(a.slice(0, 3), b.slice(0, 3)) !== 0;
  if (before.product !== after.product || cuChanged) {
    // a build read on both sides says which way it went; without one, a product change counts as up
    if (a.length > 0 && b.length > 0 && compareBuilds(b, a) < 0)
      return { key, category: 'downgraded', before, after, direction: 'down' };
    return { key, category: 'upgraded', before, after, direction: 'up' };
  }
  if (a.length === 4 && b.length === 4 && a[3] !== b[3]) {
    if ((b[3] ?? 0) < (a[3] ?? 0)) return { key, category: 'downgraded', before, after, direction: 'down' };
    return { key, category: 'patched', before, after, direction: 'up' };
  }
  return { key, category: after.open.length > 0 ? 'still-vulnerable' : 'unchanged', before, after };
}

export interface DiffTotals {
  exchange: number;
  eol: number;
  /** Hosts open to at least one family (vulnerable or likely). */
  open: number;
  vulnerable: Record<string, number>;
}

export function emptyTotals(): DiffTotals {
  return { exchange: 0, eol: 0, open: 0, vulnerable: {} };
}

export function addToTotals(t: DiffTotals, r: HostRecord, asOf: string): void {
  t.exchange++;
  if (isPastEol(r, asOf)) t.eol++;
  if (openFamilies(r).size > 0) t.open++;
  for (const f of familiesWith(r, 'vulnerable')) t.vulnerable[f] = (t.vulnerable[f] ?? 0) + 1;
}

export interface DiffResult {
  changes: HostChange[];
  counts: Record<DiffCategory, number>;
  before: DiffTotals;
  after: DiffTotals;
}

/** Compares on-premises Exchange servers (records of one address combined: core/server.ts) of two streams; EOL judged per scan date. */
export async function diffHosts(
  a: AsyncIterable<HostRecord> | Iterable<HostRecord>,
  b: AsyncIterable<HostRecord> | Iterable<HostRecord>,
  asOfA: string,
  asOfB: string,
): Promise<DiffResult> {
  const before = new Map<string, HostSummary>();
  const totalsA = emptyTotals();
  const totalsB = emptyTotals();
  for await (const r of a) {
    if (!r.isExchange) continue;
    const s = summarise(r, asOfA, 'server');
    before.set(s.key, s);
    addToTotals(totalsA, r, asOfA);
  }
  const changes: HostChange[] = [];
  for await (const r of b) {
    if (!r.isExchange) continue;
    const s = summarise(r, asOfB, 'server');
    addToTotals(totalsB, r, asOfB);
    changes.push(categorise(before.get(s.key) ?? null, s));
    before.delete(s.key);
  }
  for (const s of before.values()) changes.push(categorise(s, null));
  const counts = Object.fromEntries(DIFF_CATEGORIES.map((c) => [c, 0])) as Record<DiffCategory, number>;
  for (const c of changes) counts[c.category]++;
  const order = new Map(DIFF_CATEGORIES.map((c, i) => [c, i]));
  const sorted = sortByAddress(
    changes,
    (c) => c.key,
    (c) => order.get(c.category)!,
  );
  return { changes: sorted, counts, before: totalsA, after: totalsB };
}
