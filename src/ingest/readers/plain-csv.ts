// Plain CSV target lists: `ip,port[,hostname][,build]`. A header row is optional; with one,
// columns are found by name (ip/address/host, port, hostname/name/domain, build/version).
import type { Observation } from '../../core/observation.js';
import type { ReadItem } from '../types.js';
import { csvRows, normaliseHeader } from './csv-rows.js';
import { looksLikeIp, validPort } from './http-text.js';

interface Columns {
  ip: number;
  port: number;
  hostname: number;
  build: number;
  /** ZMap's `success` column (0 = the port answered with a reset). */
  success: number;
}
const POSITIONAL: Columns = { ip: 0, port: 1, hostname: 2, build: 3, success: -1 };
const ALIASES: Record<Exclude<keyof Columns, 'success'>, string[]> = {
  ip: ['ip', 'ip_str', 'address', 'addr', 'saddr', 'host_ip'],
  // ZMap: saddr answered from sport (its dport is the scanner's own port)
  port: ['port', 'sport'],
  hostname: ['hostname', 'host', 'name', 'domain', 'fqdn'],
  build: ['build', 'version', 'exchange_build'],
};

export async function* readPlainCsv(chunks: AsyncIterable<Buffer>): AsyncGenerator<ReadItem> {
  let cols: Columns | undefined;
  for await (const row of csvRows(chunks)) {
    if ('error' in row) {
      yield row;
      continue;
    }
    if (!cols) {
      if (row.fields[0] !== undefined && row.fields[0].trim().startsWith('#')) continue;
      if (!looksLikeIp(row.fields[0]?.trim() ?? '')) {
        const names = row.fields.map(normaliseHeader);
        const find = (k: keyof typeof ALIASES) => names.findIndex((n) => ALIASES[k].includes(n));
        cols = {
          ip: find('ip'),
          port: find('port'),
          hostname: find('hostname'),
          build: find('build'),
          success: names.indexOf('success'),
        };
        if (cols.ip < 0) {
          yield { line: row.line, error: `header has no ip column (one of ${ALIASES.ip.join(', ')})` };
          return;
        }
        continue;
      }
      cols = POSITIONAL;
    }
    if (row.fields.length === 1 && row.fields[0]!.trim().startsWith('#')) continue;
    const r = mapRow(cols, row.fields);
    yield 'error' in r ? { line: row.line, error: r.error } : { line: row.line, observations: [r] };
  }
}

function mapRow(cols: Columns, f: string[]): Observation | { error: string } {
  const at = (i: number) => (i >= 0 ? f[i]?.trim() || undefined : undefined);
  const ip = at(cols.ip);
  if (!ip || !looksLikeIp(ip)) return { error: `invalid ip "${ip ?? ''}"` };
  const portText = at(cols.port);
  const port = portText === undefined ? 443 : Number(portText);
  if (!validPort(port) || (portText !== undefined && !/^\d+$/.test(portText)))
    return { error: `invalid port "${portText}"` };
  const hostname = at(cols.hostname);
  const build = at(cols.build);
  if (build !== undefined && !/^\d+\.\d+\.\d+(\.\d+)?$/.test(build))
    return { error: `invalid build "${build}" (expected 3 or 4 dotted numbers)` };
  const refused = at(cols.success) === '0';
  return {
    ip,
    port,
    transport: 'tcp',
    ...(hostname ? { hostname } : {}),
    timestamp: '',
    source: 'csv',
    status: refused ? 'refused' : 'ok',
    ...(refused ? { statusDetail: 'no SYN-ACK (zmap success=0)' } : {}),
    http: [],
    ...(build ? { reported: { build } } : {}),
    raw: f.join(','),
  };
}
