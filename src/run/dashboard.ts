// The dashboard's use cases: what `excensus serve` shows, read from the store through the same
// functions `report`, `diff` and `notify` use, so a page and the command print the same numbers.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CensusFilter, HostPage, HostSortKey, ScanInfo, Store, StoredHost } from '../store/store.js';
import { GEO_ATTRIBUTION } from '../geo/index.js';
import { resolveScan } from '../report/census-source.js';
import { buildHeadline, type Headline } from '../report/headline.js';
import { buildTrend, type TrendPoint } from '../report/trend.js';
import type { DiffResult } from '../report/diff.js';
import { compareScans } from './diff.js';
import { writeBundles } from '../report/notify.js';
import { incompleteNote, kbVersionOf } from '../report/scan-view.js';
import { hostRecordToWire } from '../core/wire.js';

export interface ViewQuery {
  /** Scan id or name; default: the latest. */
  scan?: string;
  asOf: string;
  filter: CensusFilter;
}

export interface Overview {
  scan: ScanInfo;
  headline: Headline;
  trend: TrendPoint[];
  kbVersion: string | null;
}

/** Headline tiles, map and charts of one scan, and the trend of its series. */
export async function dashboardOverview(store: Store, q: ViewQuery): Promise<Overview> {
  const scan = await resolveScan(store, q.scan);
  const headline = await buildHeadline(store, scan, q.asOf, q.filter);
  const trend = await buildTrend(store, scan.series, undefined, scan.id);
  return { scan, headline, trend, kbVersion: kbVersionOf(scan) };
}

/** The trend of the series of a scan (EOL judged on each scan's date unless `asOf`). */
export async function seriesTrend(
  store: Store,
  q: { scan?: string; asOf?: string },
): Promise<{ scan: ScanInfo; points: TrendPoint[] }> {
  const scan = await resolveScan(store, q.scan);
  return { scan, points: await buildTrend(store, scan.series, q.asOf, scan.id) };
}

/** Which records the host table lists. */
export type HostKind = 'exchange' | 'all';

export interface HostsQuery extends ViewQuery {
  kind: HostKind;
  sort: HostSortKey;
  desc: boolean;
  limit: number;
  offset: number;
}

// Counting a filter's records reads every row it keeps; paging through the same filter of a
// finished scan need not count again. Kept a minute (a reclassify may change family counts).
const totals = new Map<string, { total: number; at: number }>();
const TOTAL_TTL_MS = 60_000;
const TOTALS = 500;

/** One page of a scan's host records. */
export async function hostsPage(
  store: Store,
  q: HostsQuery,
): Promise<{ scan: ScanInfo; asOf: string; page: HostPage }> {
  const scan = await resolveScan(store, q.scan);
  const filter = { ...q.filter, asOf: q.asOf, exchangeOnly: q.kind === 'exchange' };
  const key = scan.state === 'running' ? null : `${scan.id}|${scan.finishedAt}|${JSON.stringify(filter)}`;
  const known = key !== null ? totals.get(key) : undefined;
  const fresh = known && Date.now() - known.at < TOTAL_TTL_MS ? known.total : undefined;
  const page = await store.hostPage({
    scanId: scan.id,
    filter,
    sort: q.sort,
    desc: q.desc,
    limit: q.limit,
    offset: q.offset,
    ...(fresh !== undefined ? { knownTotal: fresh } : {}),
  });
  if (key !== null && fresh === undefined) {
    totals.set(key, { total: page.total, at: Date.now() });
    if (totals.size > TOTALS) totals.delete(totals.keys().next().value as string);
  }
  return { scan, asOf: q.asOf, page };
}

export interface HostDetail {
  scan: ScanInfo;
  host: StoredHost;
  /** The record in its wire form (the JSON `ingest --json` prints). */
  wire: Record<string, unknown>;
}

/** One host record of a scan; null when the scan has no record at that address and port. */
export async function hostDetail(
  store: Store,
  q: { scan?: string; ip: string; port: number },
): Promise<HostDetail | null> {
  const scan = await resolveScan(store, q.scan);
  const host = await store.getHost(scan.id, q.ip, q.port);
  return host ? { scan, host, wire: hostRecordToWire(host.record) } : null;
}

export interface ScanDiff {
  /** The scan with the older data. */
  a: ScanInfo;
  b: ScanInfo;
  result: DiffResult;
  /** The scans were given newer first. */
  swapped: boolean;
}

// Diffs of two finished scans do not change: a few are kept (a diff reads both scans whole).
const diffCache = new Map<string, ScanDiff>();
const DIFF_CACHE = 8;

/** Two scans compared server by server (`excensus diff`), the older data first; EOL judged on each scan's date unless `asOf`. */
export async function diffScans(store: Store, q: { a: string; b: string; asOf?: string }): Promise<ScanDiff> {
  const a = await resolveScan(store, q.a);
  const b = await resolveScan(store, q.b);
  const key = `${a.id}|${b.id}|${q.asOf ?? ''}`;
  const done = a.state === 'complete' && b.state === 'complete';
  const cached = done ? diffCache.get(key) : undefined;
  if (cached) return cached;
  const out = await compareScans(store, { scanA: q.a, scanB: q.b, ...(q.asOf ? { asOf: q.asOf } : {}) });
  if (done) {
    diffCache.set(key, out);
    if (diffCache.size > DIFF_CACHE) diffCache.delete(diffCache.keys().next().value as string);
  }
  return out;
}

/** One network's bundle: the CSV and Markdown `excensus notify --by asn` writes for it. */
export async function networkBundle(
  store: Store,
  q: { scan?: string; asn: number; asOf: string; all: boolean },
): Promise<{ scan: ScanInfo; csv: string; markdown: string; hosts: number }> {
  // the bundle notify would write: an empty scan refused, a partial one noted as such
  const scan = await resolveScan(store, q.scan, { refuseEmpty: true });
  const partial = incompleteNote(scan);
  const dir = mkdtempSync(join(tmpdir(), 'excensus-bundle-'));
  try {
    const res = await writeBundles(store, scan.id, {
      by: 'asn',
      outDir: dir,
      asOf: q.asOf,
      all: q.all,
      attribution: GEO_ATTRIBUTION,
      scanName: scan.name,
      asn: [q.asn],
      ...(partial ? { partial } : {}),
    });
    const csv = res.files.find((f) => f.endsWith('.csv'));
    const md = res.files.find((f) => f.endsWith('.md'));
    return {
      scan,
      csv: csv ? readFileSync(join(dir, csv), 'utf8') : '',
      markdown: md ? readFileSync(join(dir, md), 'utf8') : '',
      hosts: res.hosts,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const WRITES = [
  'createScan',
  'addHosts',
  'newBatch',
  'addBatch',
  'finishScan',
  'setScanOptions',
  'resetPlainCounts',
] as const;

/** The store with every method that writes scans or hosts refusing: what the dashboard is given. */
export function readOnlyStore(store: Store): Store {
  const refuse = (name: string) => () => {
    throw new Error(`the dashboard reads the store only (${name} refused)`);
  };
  const guarded = Object.create(store) as Store;
  for (const name of WRITES) Object.defineProperty(guarded, name, { value: refuse(name) });
  return guarded;
}
