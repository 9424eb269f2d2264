// Shodan banners (`shodan download` NDJSON, gzip or not) and the host-API shape whose `data[]`
// holds banners. HTTP headers are the raw text in `data`, the body is `http.html`.
import type { Banners, HttpExchange, Observation } from '../../core/observation.js';
import {
  asArray,
  asNumber,
  asObject,
  asString,
  parseAsn,
  parseRawHttp,
  toIsoTime,
  validPort,
} from './http-text.js';
import { intToIpv4 } from '../../core/ip.js';
import type { SkeletonTree } from '../fast/skeleton-reader.js';

export function mapShodanRecord(value: unknown): Observation[] | { error: string } {
  const rec = asObject(value);
  if (!rec) return { error: 'record is not a JSON object' };
  // Host-API shape: host fields at the top, banners in data[]
  if (Array.isArray(rec.data)) {
    const out: Observation[] = [];
    for (const b of rec.data) {
      const banner = asObject(b);
      if (!banner) return { error: 'data[] holds a non-object banner' };
      const merged = { ...hostFields(rec), ...banner };
      const obs = mapBanner(merged);
      if ('error' in obs) return obs;
      out.push(obs);
    }
    return out;
  }
  const obs = mapBanner(rec);
  return 'error' in obs ? obs : [obs];
}

function hostFields(host: Record<string, unknown>): Record<string, unknown> {
  const { data: _data, ports: _ports, vulns: _vulns, ...rest } = host;
  if (!rest.location && (host.country_code || host.city)) {
    rest.location = { country_code: host.country_code, city: host.city, region_code: host.region_code };
  }
  return rest;
}

/**
 * Every key mapShodanRecord reads of a banner (below the top level: of the objects it reads), for
 * lines read as their skeleton (fast/skeleton-reader.ts): keep it in step with mapBanner.
 * `data` must be a string: any other is the host-API shape (data[] of banners), parsed in full.
 */
export const SHODAN_SKELETON: SkeletonTree = {
  ipv6: 'whole',
  ip_str: 'whole',
  ip: 'whole',
  port: 'whole',
  _shodan: { options: { hostname: 'whole' }, module: 'whole' },
  hostnames: 'whole',
  data: 'string',
  http: {
    location: 'whole',
    status: 'whole',
    html: 'whole',
    favicon: { hash: 'whole', location: 'whole' },
    redirects: 'whole',
  },
  transport: 'whole',
  timestamp: 'whole',
  ssl: { cert: { subject: { CN: 'whole' }, issuer: { CN: 'whole' }, expires: 'whole' } },
  location: { country_code: 'whole', region_code: 'whole', city: 'whole' },
  asn: 'whole',
  org: 'whole',
  isp: 'whole',
  product: 'whole',
  tags: 'whole',
};

function mapBanner(b: Record<string, unknown>): Observation | { error: string } {
  const ip =
    asString(b.ipv6) ?? asString(b.ip_str) ?? (typeof b.ip === 'number' ? intToIpv4(b.ip) : asString(b.ip));
  if (!ip) return { error: 'banner has no ip_str/ip' };
  const port = asNumber(b.port);
  if (!validPort(port)) return { error: `banner has no valid port (${JSON.stringify(b.port)})` };
  const meta = asObject(b._shodan);
  const options = asObject(meta?.options);
  const module = asString(meta?.module) ?? '';
  const hostname = asString(options?.hostname) ?? asString(asArray(b.hostnames)[0]);
  const data = typeof b.data === 'string' ? b.data : '';
  const http = mapHttp(b, data);
  const transport = b.transport === 'udp' ? 'udp' : 'tcp';
  const timestamp = toIsoTime(b.timestamp);
  const obs: Observation = hostname
    ? { ip, port, transport, hostname, timestamp, source: 'shodan', status: 'ok', http, raw: b }
    : { ip, port, transport, timestamp, source: 'shodan', status: 'ok', http, raw: b };
  const banners = mapBanners(module, data, http.length > 0);
  if (banners) obs.banners = banners;
  const tls = mapTls(asObject(b.ssl));
  if (tls) obs.tls = tls;
  const loc = asObject(b.location);
  const country = asString(loc?.country_code);
  // objects built key by key in a fixed order (object spreads are slow on this per-record path)
  if (loc && (country || loc.city)) {
    const geo: NonNullable<Observation['geo']> = {} as NonNullable<Observation['geo']>;
    if (country) geo.country = country;
    const region = asString(loc.region_code);
    if (region) geo.region = region;
    const city = asString(loc.city);
    if (city) geo.city = city;
    geo.source = 'source';
    obs.geo = geo;
  }
  const asn = parseAsn(b.asn);
  if (asn !== undefined) {
    const org = asString(b.org) ?? asString(b.isp);
    obs.asn = org ? { number: asn, org, source: 'source' } : { number: asn, source: 'source' };
  }
  const product = asString(b.product);
  const tags = Array.isArray(b.tags) ? b.tags.filter((t): t is string => typeof t === 'string') : [];
  if (product || tags.length > 0) {
    const reported: NonNullable<Observation['reported']> = {};
    if (product) reported.product = product;
    if (tags.length) reported.tags = tags;
    obs.reported = reported;
  }
  return obs;
}

function mapHttp(b: Record<string, unknown>, data: string): HttpExchange[] {
  const http = asObject(b.http);
  const parsed = parseRawHttp(data);
  if (!http && !parsed) return [];
  const ex: HttpExchange = {
    path: asString(http?.location) ?? '/',
    status: parsed?.status ?? asNumber(http?.status) ?? 0,
    headers: parsed?.headers ?? [],
  };
  const html = asString(http?.html);
  if (html !== undefined) ex.body = html;
  const out: HttpExchange[] = [ex];
  const fav = asObject(http?.favicon);
  if (fav && typeof fav.hash === 'number') {
    out.push({
      path: urlPathOf(asString(fav.location)) || '/favicon.ico',
      status: 200,
      headers: [],
      faviconMmh3: fav.hash,
    });
  }
  for (const r of asArray(http?.redirects)) {
    const red = asObject(r);
    if (!red) continue;
    const rp = parseRawHttp(asString(red.data) ?? '');
    if (!rp) continue;
    const rex: HttpExchange = { path: asString(red.location) ?? '', status: rp.status, headers: rp.headers };
    if (asString(red.html)) rex.body = asString(red.html);
    out.push(rex);
  }
  return out;
}

function urlPathOf(v: string | undefined): string {
  if (!v) return '';
  try {
    return new URL(v, 'http://x/').pathname;
  } catch {
    return '';
  }
}

function mapBanners(module: string, data: string, isHttp: boolean): Banners | undefined {
  if (isHttp || !data) return undefined;
  const m = module.toLowerCase();
  if (m.startsWith('smtp') || /^220[ -]/.test(data)) {
    const [greeting, ...rest] = data.split(/\r?\n(?=250[ -])/);
    return { smtp: greeting!.trim(), ...(rest.length ? { ehlo: rest.join('\n').trim() } : {}) };
  }
  if (m.startsWith('imap') || data.startsWith('* OK')) return { imap: data.trim() };
  if (m.startsWith('pop') || data.startsWith('+OK')) return { pop: data.trim() };
  return undefined;
}

function mapTls(ssl: Record<string, unknown> | undefined): Observation['tls'] | undefined {
  const cert = asObject(ssl?.cert);
  if (!cert) return undefined;
  const subject = asObject(cert.subject);
  const issuer = asObject(cert.issuer);
  const cn = asString(subject?.CN);
  const tls: NonNullable<Observation['tls']> = cn ? { subjectCN: cn, names: [cn] } : { names: [] };
  const by = asString(issuer?.CN);
  if (by) tls.issuer = by;
  const expires = asString(cert.expires);
  if (expires) tls.notAfter = expires;
  return tls;
}
