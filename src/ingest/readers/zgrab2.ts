// ZGrab2 output: one JSON per target, `data.<module>` = {status, result, timestamp}. HTTP header
// names arrive lower-cased with `_` for `-`; headers outside zgrab2's known set sit in
// `headers.unknown[] = {key, value[]}`. Redirects are in `result.redirect_response_chain[]`.
import type { HttpExchange, Observation, ObservationStatus } from '../../core/observation.js';
import {
  asArray,
  asNumber,
  asObject,
  asString,
  headerPairs,
  toIsoTime,
  urlPath,
  validPort,
} from './http-text.js';

const STATUS: Record<string, ObservationStatus> = {
  success: 'ok',
  'connection-refused': 'refused',
  'connection-timeout': 'timeout',
  'io-timeout': 'timeout',
  'connection-closed': 'error',
  'handshake-error': 'tls-error',
  'protocol-error': 'protocol-error',
  'application-error': 'protocol-error',
  'post-tls-application-error': 'protocol-error',
  'blocklisted-target': 'excluded',
};

export function mapZgrab2Record(value: unknown): Observation[] | { error: string } {
  const rec = asObject(value);
  if (!rec) return { error: 'record is not a JSON object' };
  const ip = asString(rec.ip);
  const data = asObject(rec.data);
  if (!ip) return { error: 'record has no ip' };
  if (!data) return { error: 'record has no data object' };
  const out: Observation[] = [];
  for (const [name, m] of Object.entries(data)) {
    const mod = asObject(m);
    if (!mod) continue;
    out.push(mapModule(rec, ip, name, mod));
  }
  return out;
}

function mapModule(
  rec: Record<string, unknown>,
  ip: string,
  name: string,
  mod: Record<string, unknown>,
): Observation {
  const result = asObject(mod.result);
  const response = asObject(result?.response);
  const request = asObject(response?.request);
  const url = asObject(request?.url);
  const scheme = asString(url?.scheme) ?? '';
  const port =
    asNumber(mod.port) ??
    asNumber(rec.port) ??
    portFromHost(asString(url?.host)) ??
    (scheme === 'https' ? 443 : scheme === 'http' ? 80 : undefined);
  const statusText = asString(mod.status) ?? 'unknown-error';
  const status = STATUS[statusText] ?? 'error';
  const http: HttpExchange[] = [];
  for (const r of asArray(result?.redirect_response_chain)) {
    const ex = mapResponse(asObject(r));
    if (ex) http.push(ex);
  }
  const main = mapResponse(response);
  if (main) http.push(main);
  const hostname = asString(rec.domain);
  const obs: Observation = {
    ip,
    port: validPort(port) ? port : 0,
    transport: 'tcp',
    ...(hostname ? { hostname } : {}),
    timestamp: toIsoTime(mod.timestamp),
    source: 'zgrab2',
    status,
    ...(status !== 'ok' ? { statusDetail: asString(mod.error) ?? statusText } : {}),
    http,
    raw: { ...rec, data: { [name]: mod } },
  };
  const banner = asString(result?.banner);
  if (banner && http.length === 0) {
    if (/smtp/i.test(name) || /^220[ -]/.test(banner))
      obs.banners = {
        smtp: banner.trim(),
        ...(asString(result?.ehlo) ? { ehlo: asString(result?.ehlo)!.trim() } : {}),
      };
    else if (/imap/i.test(name)) obs.banners = { imap: banner.trim() };
    else if (/pop/i.test(name)) obs.banners = { pop: banner.trim() };
  }
  const tls = mapTls(
    asObject(asObject(request?.tls_log)?.handshake_log) ?? asObject(asObject(result?.tls)?.handshake_log),
  );
  if (tls) obs.tls = tls;
  return obs;
}

function mapResponse(response: Record<string, unknown> | undefined): HttpExchange | undefined {
  if (!response) return undefined;
  const request = asObject(response.request);
  const url = asObject(request?.url);
  const raw = asObject(response.headers) ?? {};
  const headers = headerPairs(raw, wireName);
  for (const u of asArray(raw.unknown)) {
    const kv = asObject(u);
    const key = asString(kv?.key);
    if (!key) continue;
    for (const v of asArray(kv?.value)) if (typeof v === 'string') headers.push([wireName(key), v]);
  }
  const ex: HttpExchange = {
    path: asString(url?.path) ?? urlPath(asString(request?.url)) ?? '',
    ...(asString(request?.method) ? { method: asString(request?.method) } : {}),
    status: asNumber(response.status_code) ?? 0,
    headers: headers.filter(([n]) => n !== 'unknown'),
  };
  if (typeof response.body === 'string') ex.body = response.body;
  return ex;
}

/** zgrab2 writes header names lower-cased with `_` (x_powered_by); the wire name has `-`. */
function wireName(n: string): string {
  return n.replace(/_/g, '-');
}

function portFromHost(host: string | undefined): number | undefined {
  const m = host ? /:(\d+)$/.exec(host) : null;
  return m ? Number(m[1]) : undefined;
}

function mapTls(hs: Record<string, unknown> | undefined): Observation['tls'] | undefined {
  const cert = asObject(asObject(asObject(hs?.server_certificates)?.certificate)?.parsed);
  if (!cert) return undefined;
  const cns = asArray(asObject(cert.subject)?.common_name).filter((x): x is string => typeof x === 'string');
  const sans = asArray(asObject(asObject(cert.extensions)?.subject_alt_name)?.dns_names).filter(
    (x): x is string => typeof x === 'string',
  );
  const issuer = asArray(asObject(cert.issuer)?.common_name)[0];
  return {
    ...(cns[0] ? { subjectCN: cns[0] } : {}),
    names: [...new Set([...cns, ...sans])],
    ...(typeof issuer === 'string' ? { issuer } : {}),
    ...(asObject(cert.validity) && asString(asObject(cert.validity)?.end)
      ? { notAfter: asString(asObject(cert.validity)?.end) }
      : {}),
  };
}
