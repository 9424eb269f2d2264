// The JSON API under /api/ (docs/api.md): every page's numbers, as scripts can fetch them. Each
// handler parses its parameters, calls one use case and shapes the result.
import {
  census,
  censusJsonRows,
  changeToJson,
  diffScans,
  hostDetail,
  hostsPage,
  listScans,
  networkBundle,
  scanToWire,
  seriesTrend,
  shardsToWire,
  totalsLines,
  writeHostsCsv,
} from '../run/index.js';
import { trendPointToJson } from '../report/trend.js';
import { resolveScan } from '../report/census-source.js';
import {
  BadRequest,
  checkParams,
  flagParam,
  intParam,
  MAX_LIMIT,
  optionalParam,
  parseAsOfParam,
  parseGroupByParam,
  parseKind,
  parseSort,
  parseVerdict,
  parseView,
  requiredParam,
} from './params.js';
import { hostRowToJson } from './wire.js';
import type { Ctx, Reply, Whole } from './context.js';

export function json(value: unknown, status = 200): Whole {
  return { status, type: 'application/json; charset=utf-8', body: JSON.stringify(value) };
}

// A census the store kept comes back as the same row objects, so its JSON is kept with them: a
// census by network is some 10 MB, and each of many clients asking at once would get a copy.
const censusBodies = new WeakMap<object, { key: string; total: object; body: Buffer }>();

/**
 * A JSON array of the values, built a part at a time: no array of the objects nor one string of
 * the whole (a census by network is 10 MB of JSON) is held beside the bytes.
 */
export function jsonArray(values: Iterable<unknown>): Buffer {
  const parts: Buffer[] = [];
  let text = '[';
  let sep = '';
  for (const v of values) {
    text += sep + JSON.stringify(v);
    sep = ',';
    if (text.length >= 65_536) {
      parts.push(Buffer.from(text));
      text = '';
    }
  }
  parts.push(Buffer.from(`${text}]`));
  return Buffer.concat(parts);
}

export async function apiCensus(c: Ctx): Promise<Reply> {
  const v = parseView(c.params, c.today);
  const groupBy = parseGroupByParam(c.params);
  // an empty scan has no census: a 404, as `report` refuses it
  const result = await census(c.store, { ...v, groupBy, refuseEmpty: true });
  const first = result.rows[0];
  // everything the JSON says beside the rows: a scan that finishes keeps its rows (the data version
  // does not move) but loses its marks (complete: false, scan_state)
  const key = JSON.stringify([
    result.scan.id,
    result.scan.name,
    result.scan.state,
    result.asOf,
    result.groupBy,
  ]);
  const kept = first ? censusBodies.get(first) : undefined;
  const reuse = kept && kept.key === key && kept.total === result.total;
  const body = reuse ? kept.body : jsonArray(censusJsonRows(result));
  if (first && !reuse) censusBodies.set(first, { key, total: result.total, body });
  return { status: 200, type: 'application/json; charset=utf-8', body };
}

export async function apiHosts(c: Ctx): Promise<Reply> {
  const q = hostsQuery(c);
  const r = await hostsPage(c.store, q);
  return json({
    scan: r.scan.name,
    as_of: r.asOf,
    total: r.page.total,
    limit: q.limit,
    offset: q.offset,
    hosts: r.page.rows.map(hostRowToJson),
  });
}

export function hostsQuery(c: Ctx) {
  const v = parseView(c.params, c.today);
  const verdict = parseVerdict(c.params);
  if (verdict && !v.filter.family?.length) throw new BadRequest('parameter "verdict" needs a "family"');
  return {
    ...v,
    filter: { ...v.filter, ...(verdict ? { familyVerdict: verdict } : {}) },
    kind: parseKind(c.params),
    ...parseSort(c.params),
    limit: intParam(c.params, 'limit', 50, 1, MAX_LIMIT),
    offset: intParam(c.params, 'offset', 0, 0, 100_000_000),
  };
}

/** Every host the filter keeps (all pages), as the CSV `report --hosts-csv` writes. */
export async function apiHostsCsv(c: Ctx): Promise<Reply> {
  const q = hostsQuery(c);
  // the scan first: once the 200 is sent, an error can only cut the download short
  const scan = await resolveScan(c.store, q.scan, { refuseEmpty: true });
  c.res.writeHead(200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': 'attachment; filename="hosts.csv"',
  });
  await writeHostsCsv(
    c.store,
    {
      scan: String(scan.id),
      asOf: q.asOf,
      filter: { ...q.filter, exchangeOnly: q.kind === 'exchange' },
    },
    c.res,
  );
  c.res.end();
  return 'streamed';
}

export async function apiHost(c: Ctx): Promise<Reply> {
  const q = hostParams(c);
  const d = await hostDetail(c.store, q);
  if (!d) return json({ error: `no host ${q.ip}:${q.port} in this scan` }, 404);
  return json({ scan: d.scan.name, host: d.wire });
}

export function hostParams(c: Ctx): { scan?: string; ip: string; port: number } {
  checkParams(c.params);
  const scan = optionalParam(c.params, 'scan');
  const ip = requiredParam(c.params, 'ip');
  if (!/^[0-9a-fA-F.:]{2,45}$/.test(ip)) throw new BadRequest('parameter "ip" takes an IPv4 or IPv6 address');
  return { ...(scan ? { scan } : {}), ip, port: intParam(c.params, 'port', 443, 0, 65535) };
}

export async function apiScans(c: Ctx): Promise<Reply> {
  checkParams(c.params);
  return json(await scansWire(c));
}

/** The scans as `scans --json` prints them: distributed ones with their shard progress. */
export async function scansWire(c: Ctx): Promise<Array<Record<string, unknown>>> {
  const [scans, shards] = await Promise.all([listScans(c.store), c.shards()]);
  const byId = new Map(shards.map((d) => [d.scanId, d]));
  return scans.map((s) => {
    const d = byId.get(s.id);
    return { ...scanToWire(s), ...(d ? { shards: shardsToWire(d) } : {}) };
  });
}

export async function apiTrend(c: Ctx): Promise<Reply> {
  checkParams(c.params);
  const scan = optionalParam(c.params, 'scan');
  const asOf = c.params.has('as_of') ? parseAsOfParam(c.params, c.today) : undefined;
  const t = await seriesTrend(c.store, { ...(scan ? { scan } : {}), ...(asOf ? { asOf } : {}) });
  return json(t.points.map((p, i) => trendPointToJson(p, t.points[i - 1])));
}

export async function apiDiff(c: Ctx): Promise<Reply> {
  checkParams(c.params);
  const asOf = c.params.has('as_of') ? parseAsOfParam(c.params, c.today) : undefined;
  const d = await diffScans(c.store, {
    a: requiredParam(c.params, 'a'),
    b: requiredParam(c.params, 'b'),
    ...(asOf ? { asOf } : {}),
  });
  const limit = intParam(c.params, 'limit', 100, 1, MAX_LIMIT);
  const offset = intParam(c.params, 'offset', 0, 0, 100_000_000);
  const changed = d.result.changes.filter((x) => x.category !== 'unchanged' || flagParam(c.params, 'all'));
  return json({
    scan_a: d.a.name,
    scan_b: d.b.name,
    counts: d.result.counts,
    totals: totalsLines(d.result).map(([label, before, after]) => ({ label, before, after })),
    total: changed.length,
    limit,
    offset,
    changes: changed.slice(offset, offset + limit).map(changeToJson),
  });
}

export async function apiBundle(c: Ctx): Promise<Reply> {
  checkParams(c.params);
  const scan = optionalParam(c.params, 'scan');
  const asn = intParam(c.params, 'asn', -1, 0, 4_294_967_295);
  if (asn < 0) throw new BadRequest('parameter "asn" is required');
  const format = optionalParam(c.params, 'format') ?? 'csv';
  if (format !== 'csv' && format !== 'md') throw new BadRequest('parameter "format" takes csv or md');
  const b = await networkBundle(c.store, {
    ...(scan ? { scan } : {}),
    asn,
    asOf: parseAsOfParam(c.params, c.today),
    all: flagParam(c.params, 'all'),
  });
  return {
    status: 200,
    type: format === 'csv' ? 'text/csv; charset=utf-8' : 'text/markdown; charset=utf-8',
    body: format === 'csv' ? b.csv : b.markdown,
    headers: { 'Content-Disposition': `attachment; filename="AS${asn}.${format}"` },
  };
}
