// masscan output: -oJ (a JSON array written one record per line with leading commas; before
// 1.0.5 no brackets and a trailing `{finished: 1}`), -oD ndjson, and -oL text. Port scans carry
// no HTTP: an open port becomes an 'ok' observation that fingerprinting will call not-exchange,
// kept as a seed list for a later probe. A service banner that is an HTTP response is kept.
import type { Observation } from '../../core/observation.js';
import type { LineResult } from '../types.js';
import { jsonLineParser } from './json-line.js';
import {
  asArray,
  asNumber,
  asObject,
  asString,
  looksLikeIp,
  parseRawHttp,
  toIsoTime,
  validPort,
} from './http-text.js';

export function parseMasscanJsonLine(text: string): LineResult {
  let t = text.trim();
  if (t.startsWith(',')) t = t.slice(1).trim();
  if (t.endsWith(',')) t = t.slice(0, -1).trim();
  if (t === '[' || t === ']' || /^\{\s*"?finished"?\s*:/.test(t)) return [];
  return parseRecordLine(t);
}

const parseRecordLine = jsonLineParser((value) => mapMasscanRecord(value));

export function mapMasscanRecord(value: unknown): Observation[] | { error: string } {
  const rec = asObject(value);
  if (!rec) return { error: 'record is not a JSON object' };
  const ip = asString(rec.ip);
  if (!ip) return { error: 'record has no ip' };
  const timestamp = toIsoTime(rec.timestamp);
  const ports = Array.isArray(rec.ports)
    ? rec.ports
    : [{ port: rec.port, proto: rec.proto, ...(asObject(rec.data) ?? {}), rec_type: rec.rec_type }];
  const out: Observation[] = [];
  for (const p of asArray(ports)) {
    const e = asObject(p);
    const port = asNumber(e?.port);
    if (!e || !validPort(port)) return { error: 'port entry without a valid port' };
    const service =
      asObject(e.service) ??
      (e.rec_type === 'banner' ? { name: e.service_name, banner: e.banner } : undefined);
    out.push(
      makeObservation(
        ip,
        port,
        String(e.proto ?? 'tcp'),
        timestamp,
        asString(e.status),
        asString(service?.name),
        asString(service?.banner),
        rec,
      ),
    );
  }
  return out;
}

/** -oL lines: `open tcp 443 8.8.8.8 1680197558`, `banner tcp 80 <ip> <ts> <service> <banner>`. */
export function parseMasscanListLine(text: string): LineResult {
  const t = text.trim();
  if (t === '' || t.startsWith('#')) return [];
  const m = /^(open|closed|banner)\s+(tcp|udp|sctp)\s+(\d+)\s+(\S+)\s+(\d+)(?:\s+(\S+)\s?(.*))?$/.exec(t);
  if (!m || !looksLikeIp(m[4]!) || !validPort(Number(m[3]))) return { error: 'not a masscan -oL line' };
  const state = m[1] === 'banner' ? 'open' : m[1]!;
  return [
    makeObservation(
      m[4]!,
      Number(m[3]),
      m[2]!,
      toIsoTime(m[5]),
      state,
      m[1] === 'banner' ? m[6] : undefined,
      m[1] === 'banner' ? m[7] : undefined,
      t,
    ),
  ];
}

function makeObservation(
  ip: string,
  port: number,
  proto: string,
  timestamp: string,
  state: string | undefined,
  service: string | undefined,
  banner: string | undefined,
  raw: unknown,
): Observation {
  const closed = state === 'closed';
  const obs: Observation = {
    ip,
    port,
    transport: proto === 'udp' ? 'udp' : 'tcp',
    timestamp,
    source: 'masscan',
    status: closed ? 'refused' : 'ok',
    ...(closed ? { statusDetail: 'port closed' } : {}),
    http: [],
    raw,
  };
  if (banner) {
    // masscan escapes CR/LF in banners as \x0d\x0a
    const text = banner.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) =>
      String.fromCharCode(parseInt(h, 16)),
    );
    const http = parseRawHttp(text);
    if (http)
      obs.http.push({
        path: '/',
        status: http.status,
        headers: http.headers,
        ...(http.body ? { body: http.body } : {}),
      });
    else if (service === 'smtp' || /^220[ -]/.test(text)) obs.banners = { smtp: text.trim() };
    else if (service === 'imap') obs.banners = { imap: text.trim() };
    else if (service === 'pop') obs.banners = { pop: text.trim() };
  }
  return obs;
}
