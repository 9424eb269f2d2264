// nmap -oX: one <host> at a time is built into a small element tree and mapped to one
// observation per open port. HTTP headers come from http-headers / http-server-header script
// output, mail banners from the banner / smtp-commands scripts and the -sV service product;
// a script whose result table is keyed by a dotted build (as version-detection scripts write)
// gives a reported build. No product-specific script names here: rules judge the claims.
import type { HttpExchange, Observation } from '../../core/observation.js';
import type { ReadItem } from '../types.js';
import { xmlTokens } from '../../core/xml-tokens.js';
import { toIsoTime, validPort } from './http-text.js';
import { udpSkipped } from '../../core/values.js';

interface El {
  name: string;
  line: number;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

export async function* readNmap(chunks: AsyncIterable<Buffer>): AsyncGenerator<ReadItem> {
  let scanStart: string | undefined;
  let stack: El[] = [];
  let hostLine = 0;
  let sawRoot = false;
  for await (const tok of xmlTokens(chunks)) {
    if (tok.type === 'error') {
      yield { line: tok.line, error: tok.reason };
      continue;
    }
    if (tok.type === 'open') {
      if (tok.name === 'nmaprun') {
        sawRoot = true;
        if (tok.attrs.start) scanStart = toIsoTime(tok.attrs.start);
        continue;
      }
      if (stack.length === 0 && tok.name !== 'host') continue;
      if (stack.length === 0) hostLine = tok.line;
      const el: El = { name: tok.name, line: tok.line, attrs: tok.attrs, children: [], text: '' };
      stack.at(-1)?.children.push(el);
      if (!tok.selfClosing) stack.push(el);
      else if (stack.length === 0) yield* mapHost(el, hostLine, scanStart);
      continue;
    }
    if (stack.length === 0) continue;
    if (tok.type === 'text') {
      stack.at(-1)!.text += tok.text;
      continue;
    }
    const top = stack.pop()!;
    if (top.name !== tok.name) {
      yield { line: tok.line, error: `mismatched </${tok.name}> (open <${top.name}>); host skipped` };
      stack = [];
      continue;
    }
    if (stack.length === 0) yield* mapHost(top, hostLine, scanStart);
  }
  if (stack.length > 0) yield { line: hostLine, error: 'file ends inside <host> (truncated?)' };
  else if (!sawRoot) yield { line: 1, error: 'no <nmaprun> element: not an nmap XML file' };
}

const kids = (el: El | undefined, name: string) => (el ? el.children.filter((c) => c.name === name) : []);
const kid = (el: El | undefined, name: string) => el?.children.find((c) => c.name === name);

/** The host's open ports, and a problem for each open port whose number is not one. */
function mapHost(host: El, line: number, scanStart: string | undefined): ReadItem[] {
  const addr = kids(host, 'address').find((a) => a.attrs.addrtype === 'ipv4' || a.attrs.addrtype === 'ipv6');
  if (!addr?.attrs.addr) return [{ line, error: '<host> without an IPv4/IPv6 <address>' }];
  const names = kids(kid(host, 'hostnames'), 'hostname');
  const hostname = (names.find((h) => h.attrs.type === 'user') ?? names[0])?.attrs.name;
  const timestamp = host.attrs.starttime ? toIsoTime(host.attrs.starttime) : (scanStart ?? '');
  const observations: Observation[] = [];
  const problems: ReadItem[] = [];
  for (const port of kids(kid(host, 'ports'), 'port')) {
    const state = kid(port, 'state')?.attrs.state ?? '';
    if (!state.startsWith('open')) continue;
    const portid = port.attrs.portid ?? '';
    const number = /^\d{1,5}$/.test(portid) ? Number(portid) : NaN;
    if (!validPort(number))
      problems.push({ line: port.line, error: `<port> without a valid portid (${JSON.stringify(portid)})` });
    else if (port.attrs.protocol === 'udp') problems.push({ line: port.line, error: udpSkipped(number) });
    else observations.push(mapPort(addr.attrs.addr, hostname, timestamp, port, number));
  }
  return [{ line, observations }, ...problems];
}

function mapPort(
  ip: string,
  hostname: string | undefined,
  timestamp: string,
  port: El,
  number: number,
): Observation {
  const service = kid(port, 'service');
  const scripts = new Map(kids(port, 'script').map((s) => [s.attrs.id ?? '', s]));
  const http: HttpExchange[] = [];
  const headerScript = scripts.get('http-headers');
  const serverHeader = scripts.get('http-server-header');
  if (headerScript || serverHeader) {
    const headers: Array<[string, string]> = [];
    for (const l of (headerScript?.attrs.output ?? '').split('\n')) {
      const m = /^\s*([A-Za-z0-9-]+):\s?(.*)$/.exec(l);
      if (m) headers.push([m[1]!, m[2]!.trim()]);
    }
    if (serverHeader && !headers.some(([n]) => n.toLowerCase() === 'server'))
      headers.push(['Server', serverHeader.attrs.output?.trim() ?? '']);
    const status = /^\s*HTTP\/\S+\s+(\d{3})/m.exec(headerScript?.attrs.output ?? '');
    http.push({ path: '/', status: status ? Number(status[1]) : 0, headers });
  }
  const obs: Observation = {
    ip,
    port: number,
    transport: port.attrs.protocol === 'udp' ? 'udp' : 'tcp',
    ...(hostname ? { hostname } : {}),
    timestamp,
    source: 'nmap',
    status: 'ok',
    http,
    raw: toPlain(port),
  };
  const banner = scripts.get('banner')?.attrs.output;
  const ehlo = scripts.get('smtp-commands')?.attrs.output;
  const svcName = service?.attrs.name ?? '';
  if (banner || ehlo) {
    if (svcName.startsWith('imap')) obs.banners = { imap: banner ?? '' };
    else if (svcName.startsWith('pop')) obs.banners = { pop: banner ?? '' };
    else obs.banners = { ...(banner ? { smtp: banner } : {}), ...(ehlo ? { ehlo } : {}) };
  }
  const product = [service?.attrs.product, service?.attrs.version].filter(Boolean).join(' ');
  const build = [...scripts.values()]
    .flatMap((s) => kids(s, 'table'))
    .map((t) => t.attrs.key)
    .find((k) => k !== undefined && /^\d+\.\d+\.\d+(\.\d+)?$/.test(k));
  if (product || build) obs.reported = { ...(product ? { product } : {}), ...(build ? { build } : {}) };
  return obs;
}

/** Element tree -> plain JSON for `raw` (attributes, children by name, text). */
function toPlain(el: El): unknown {
  const out: Record<string, unknown> = { ...el.attrs };
  for (const c of el.children) {
    const v = toPlain(c);
    const prev = out[c.name];
    out[c.name] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  if (el.text.trim()) out._text = el.text.trim();
  return out;
}
