// ShadowServer CSV reports (scan_exchange, device_id, scan_http and kin). Columns are mapped by
// header name because the column sets change over time (`sic` dropped; `severity`, `protocol`,
// `hostname_source` added). scan_exchange's `version` is a 3-part CU build.
import type { Observation } from '../../core/observation.js';
import type { ReadItem } from '../types.js';
import { csvRows, normaliseHeader } from './csv-rows.js';
import { looksLikeIp, parseAsn, toIsoTime, validPort } from './http-text.js';

export async function* readShadowserver(chunks: AsyncIterable<Buffer>): AsyncGenerator<ReadItem> {
  let cols: Map<string, number> | undefined;
  let width = 0;
  /** Columns whose name the header repeats: [first, later] indexes. */
  const repeats: Array<[string, number, number]> = [];
  for await (const row of csvRows(chunks)) {
    if ('error' in row) {
      yield row;
      continue;
    }
    if (!cols) {
      cols = new Map();
      width = row.fields.length;
      for (const [i, h] of row.fields.entries()) {
        const name = normaliseHeader(h);
        const first = cols.get(name);
        if (first === undefined) cols.set(name, i);
        else repeats.push([name, first, i]);
      }
      if (!cols.has('ip')) {
        yield { line: row.line, error: 'ShadowServer header has no "ip" column' };
        return;
      }
      for (const [name, a, b] of repeats)
        yield {
          line: row.line,
          error: `header repeats column "${name}" (columns ${a + 1} and ${b + 1}); a row whose two values differ is not read`,
        };
      continue;
    }
    // a row of another width has its values under the wrong names: no verdict from it
    if (row.fields.length !== width) {
      yield {
        line: row.line,
        error: `row has ${row.fields.length} fields, the header ${width}: ${row.fields.length < width ? 'short' : 'long'} row not read`,
      };
      continue;
    }
    const clash = repeats.find(([, a, b]) => row.fields[a]?.trim() !== row.fields[b]?.trim());
    if (clash) {
      yield { line: row.line, error: `columns ${clash[1] + 1} and ${clash[2] + 1} ("${clash[0]}") differ` };
      continue;
    }
    const r = mapRow(cols, row.fields);
    yield 'error' in r ? { line: row.line, error: r.error } : { line: row.line, observations: [r] };
  }
}

function mapRow(cols: Map<string, number>, f: string[]): Observation | { error: string } {
  const get = (name: string): string | undefined => {
    const i = cols.get(name);
    const v = i === undefined ? undefined : f[i]?.trim();
    return v === '' ? undefined : v;
  };
  const ip = get('ip');
  if (!ip || !looksLikeIp(ip)) return { error: `invalid ip "${ip ?? ''}"` };
  const port = Number(get('port') ?? 'NaN');
  if (!validPort(port)) return { error: `invalid port "${get('port') ?? ''}"` };
  const hostname = get('hostname');
  const obs: Observation = {
    ip,
    port,
    transport: get('protocol') === 'udp' ? 'udp' : 'tcp',
    ...(hostname ? { hostname } : {}),
    timestamp: toIsoTime(get('timestamp')),
    source: 'shadowserver',
    status: 'ok',
    http: [],
    raw: Object.fromEntries([...cols].map(([name, i]) => [name, f[i] ?? ''])),
  };
  const tags = (get('tag') ?? '')
    .split(/[;,]/)
    .map((t) => t.trim())
    .filter(Boolean);
  const product = [get('device_vendor'), get('device_model') ?? get('device_type')].filter(Boolean).join(' ');
  const build = get('version');
  const servername = get('servername');
  // scan_http's `version` is the HTTP version column, not a build
  const isBuild = build !== undefined && /^\d+\.\d+\.\d+(\.\d+)?$/.test(build);
  if (tags.length || product || isBuild || servername || get('device_version')) {
    obs.reported = {
      ...(isBuild ? { build } : {}),
      ...(product
        ? { product: get('device_version') ? `${product} ${get('device_version')}` : product }
        : {}),
      ...(tags.length ? { tags } : {}),
      ...(servername ? { servername } : {}),
    };
  }
  const httpCode = get('http_code');
  if (httpCode !== undefined || get('server') !== undefined) {
    const headers: Array<[string, string]> = [];
    for (const [col, name] of [
      ['server', 'Server'],
      ['content_type', 'Content-Type'],
      ['www_authenticate', 'WWW-Authenticate'],
      ['set_cookie', 'Set-Cookie'],
    ] as const) {
      const v = get(col);
      if (v !== undefined) headers.push([name, v]);
    }
    obs.http.push({ path: '/', status: Number(httpCode ?? 0) || 0, headers });
  }
  const country = get('geo');
  const region = get('region');
  const city = get('city');
  if (country || region || city)
    obs.geo = {
      ...(country ? { country } : {}),
      ...(region ? { region } : {}),
      ...(city ? { city } : {}),
      source: 'source',
    };
  const asn = parseAsn(get('asn'));
  if (asn !== undefined) obs.asn = { number: asn, source: 'source' };
  return obs;
}
