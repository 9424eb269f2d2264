// Censys hosts: Search API v2 (`services[].http.response`, header names with `_` for `-`, array
// values), its `{result: host}` / `{result: {hits: []}}` envelopes, and the Platform API
// (`result.resource`, `services[].endpoints[].http`, headers as `{Name: {headers: []}}`).
import type { HttpExchange, Observation } from '../../core/observation.js';
import {
  asArray,
  asNumber,
  asObject,
  asString,
  continentCode,
  headerPairs,
  parseAsn,
  toIsoTime,
  urlPath,
  validPort,
} from './http-text.js';

export function mapCensysRecord(value: unknown): Observation[] | { error: string } {
  const rec = asObject(value);
  if (!rec) return { error: 'record is not a JSON object' };
  const hosts = unwrap(rec);
  if (hosts.length === 0)
    return { error: 'no Censys host found (expected ip + services, result, or result.resource)' };
  const out: Observation[] = [];
  for (const host of hosts) {
    const ip = asString(host.ip);
    if (!ip) return { error: 'host has no ip' };
    const services = asArray(host.services);
    for (const s of services) {
      const svc = asObject(s);
      if (!svc) continue;
      const port = asNumber(svc.port);
      if (!validPort(port)) return { error: `service of ${ip} has no valid port` };
      out.push(mapService(host, ip, port, svc));
    }
  }
  return out;
}

function unwrap(rec: Record<string, unknown>): Array<Record<string, unknown>> {
  if (asString(rec.ip) && Array.isArray(rec.services)) return [rec];
  const result = asObject(rec.result) ?? (Array.isArray(rec.result) ? { hits: rec.result } : undefined);
  if (!result) return [];
  const resource = asObject(result.resource);
  if (resource) return [resource];
  if (asString(result.ip)) return [result];
  const many = Array.isArray(result.hits)
    ? result.hits
    : Array.isArray(result.resources)
      ? result.resources
      : [];
  return many
    .map((h) => asObject(asObject(h)?.resource) ?? asObject(h))
    .filter((h): h is Record<string, unknown> => !!h && !!asString(h.ip));
}

function mapService(
  host: Record<string, unknown>,
  ip: string,
  port: number,
  svc: Record<string, unknown>,
): Observation {
  const transport = String(svc.transport_protocol ?? 'tcp').toLowerCase() === 'udp' ? 'udp' : 'tcp';
  const http: HttpExchange[] = [];
  let hostname: string | undefined;
  const v2 = asObject(asObject(svc.http)?.response);
  if (v2) {
    const ex: HttpExchange = {
      path: urlPath(asObject(asObject(svc.http)?.request)?.uri),
      status: asNumber(v2.status_code) ?? 0,
      headers: headerPairs(v2.headers, (n) => n.replace(/_/g, '-')),
    };
    if (typeof v2.body === 'string') ex.body = v2.body;
    http.push(ex);
  }
  for (const e of asArray(svc.endpoints)) {
    const ep = asObject(e);
    const h = asObject(ep?.http);
    if (!ep || !h) continue;
    hostname ??= asString(ep.hostname);
    const headers: Array<[string, string]> = [];
    for (const [name, v] of Object.entries(asObject(h.headers) ?? {})) {
      for (const val of asArray(asObject(v)?.headers ?? v))
        if (typeof val === 'string') headers.push([name, val]);
    }
    const ex: HttpExchange = {
      path: asString(ep.path) ?? urlPath(h.uri),
      status: asNumber(h.status_code) ?? 0,
      headers,
    };
    if (typeof h.body === 'string') ex.body = h.body;
    http.push(ex);
    for (const f of asArray(h.favicons)) {
      const fav = asObject(f);
      if (fav && typeof fav.hash_shodan === 'number')
        http.push({ path: asString(fav.name) ?? '', status: 200, headers: [], faviconMmh3: fav.hash_shodan });
    }
  }
  const obs: Observation = {
    ip,
    port,
    transport,
    ...(hostname ? { hostname } : {}),
    timestamp: toIsoTime(svc.observed_at ?? svc.scan_time ?? host.last_updated_at),
    source: 'censys',
    status: 'ok',
    http,
    raw: { ...host, services: [svc] },
  };
  const name = String(svc.service_name ?? svc.protocol ?? '').toUpperCase();
  const banner = asString(svc.banner);
  if (banner && http.length === 0) {
    if (name === 'SMTP') obs.banners = { smtp: banner };
    else if (name === 'IMAP') obs.banners = { imap: banner };
    else if (name === 'POP3') obs.banners = { pop: banner };
  }
  const leaf = asObject(asObject(asObject(svc.tls)?.certificates)?.leaf_data);
  if (leaf) {
    const names = asArray(leaf.names).filter((n): n is string => typeof n === 'string');
    const cn = /(?:^|,\s*)CN=([^,]+)/.exec(asString(leaf.subject_dn) ?? '')?.[1];
    obs.tls = {
      ...(cn ? { subjectCN: cn } : {}),
      names: [...new Set(cn ? [cn, ...names] : names)],
      ...(asString(leaf.issuer_dn) ? { issuer: asString(leaf.issuer_dn) } : {}),
    };
  }
  const loc = asObject(host.location);
  if (loc) {
    const country = asString(loc.country_code);
    const continent = continentCode(loc.continent);
    obs.geo = {
      ...(country ? { country } : {}),
      ...(continent ? { continent } : {}),
      ...(asString(loc.province) ? { region: asString(loc.province) } : {}),
      ...(asString(loc.city) ? { city: asString(loc.city) } : {}),
      source: 'source',
    };
  }
  const as = asObject(host.autonomous_system);
  const asn = parseAsn(as?.asn);
  if (asn !== undefined)
    obs.asn = { number: asn, ...(asString(as?.name) ? { org: asString(as?.name) } : {}), source: 'source' };
  const sw = asArray(svc.software)
    .map(asObject)
    .find((x) => x && asString(x.product));
  if (sw)
    obs.reported = {
      product: [asString(sw.vendor), asString(sw.product), asString(sw.version)].filter(Boolean).join(' '),
    };
  return obs;
}
