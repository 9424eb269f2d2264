// A time series across the scans of one series: the headline counts per scan, oldest first.
import type { CensusRow, ScanInfo, Store } from '../store/store.js';
import { runCensus } from './census-source.js';
import { zeroRow } from './headline.js';
import { share } from './table.js';
import { scanDataTime, scanDate } from './scan-view.js';
import { updateState, type UpdateState } from '../classify/index.js';
import { loadKnowledgeBase, type KnowledgeBase } from '../kb/index.js';

export interface TrendPoint {
  scan: Pick<ScanInfo, 'id' | 'name' | 'state' | 'startedAt' | 'observed' | 'options'>;
  /** The date EOL was judged on: the scan's own date unless an --as-of was given. */
  asOf: string;
  total: CensusRow;
  /** Supported on-premises servers (not past end of support on asOf) by update state. */
  updates: Record<UpdateState, number>;
}

/**
 * Complete scans of the series (plus `include`, e.g. the scan being reported), in the order of
 * their data's dates (not of their ingest); EOL judged on each scan's date unless asOf.
 */
export async function buildTrend(
  store: Store,
  series: string,
  asOf?: string,
  include?: number,
): Promise<TrendPoint[]> {
  const scans = (await store.listScans())
    .filter((s) => s.series === series && (s.state === 'complete' || s.id === include))
    .sort((a, b) => scanDataTime(a).localeCompare(scanDataTime(b)) || a.id - b.id);
  const kb = loadKnowledgeBase();
  const points: TrendPoint[] = [];
  for (const s of scans) {
    const when = asOf ?? scanDate(s);
    const rows = await runCensus(store, { scanId: s.id, groupBy: [], asOf: when });
    points.push({
      scan: {
        id: s.id,
        name: s.name,
        state: s.state,
        startedAt: s.startedAt,
        observed: s.observed,
        options: s.options,
      },
      asOf: when,
      total: rows[0] ?? zeroRow(),
      updates: await updateCounts(store, kb, s.id, when),
    });
  }
  return points;
}

/** Supported servers by update state: each (product, release) group judged against the knowledge base. */
async function updateCounts(
  store: Store,
  kb: KnowledgeBase,
  scanId: number,
  asOf: string,
): Promise<Record<UpdateState, number>> {
  const out: Record<UpdateState, number> = { current: 0, behind: 0, unknown: 0 };
  for (const r of await runCensus(store, { scanId, groupBy: ['product', 'release'], asOf })) {
    const supported = r.exchange - r.eol;
    if (supported > 0)
      out[updateState(kb, r.group.product as string | null, r.group.release as string | null, asOf)] +=
        supported;
  }
  return out;
}

/** Change between two counts as a signed percentage string: "-18.0%", "+2.5%", "n/a" from 0. */
export function percentChange(before: number, after: number): string {
  if (before === 0) return after === 0 ? '0.0%' : 'n/a';
  const p = ((after - before) / before) * 100;
  return `${p > 0 ? '+' : ''}${p.toFixed(1)}%`;
}

export function trendPointToJson(p: TrendPoint, prev?: TrendPoint): Record<string, unknown> {
  const t = p.total;
  return {
    scan: p.scan.name,
    scan_id: p.scan.id,
    started_at: p.scan.startedAt,
    observed_first: p.scan.observed?.first ?? null,
    observed_last: p.scan.observed?.last ?? null,
    as_of: p.asOf,
    hosts: t.hosts,
    exchange: t.exchange,
    suspect: t.suspect,
    eol: t.eol,
    eol_share: Math.round(share(t.eol, t.exchange) * 10000) / 10000,
    eol_change: prev ? percentChange(prev.total.eol, t.eol) : null,
    supported: t.exchange - t.eol,
    up_to_date: p.updates.current,
    behind_on_updates: p.updates.behind,
    update_unknown: p.updates.unknown,
    vulnerable: Object.fromEntries(Object.entries(t.vulnerable).sort()),
    likely: Object.fromEntries(Object.entries(t.likely).sort()),
  };
}
