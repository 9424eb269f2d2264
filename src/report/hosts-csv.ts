// Host export with ShadowServer's scan_exchange columns (so existing CERT tooling reads it)
// followed by ours. Every text field passes through csvField's injection guard.
import type { HostRecord } from '../core/host-record.js';
import { isPastEol } from './aggregate.js';
import { csvLine } from './csv.js';
import { webScheme } from './web-ports.js';
import { NOT_ASSESSED, cvesJudged, productAssessed } from './assessed.js';
import { windowsSupportEnded } from '../kb/index.js';

export const SHADOWSERVER_COLUMNS = [
  'timestamp',
  'ip',
  'protocol',
  'port',
  'hostname',
  'tag',
  'asn',
  'geo',
  'region',
  'city',
  'naics',
  'hostname_source',
  'sector',
  'version',
  'servername',
  'url',
] as const;

export const OUR_COLUMNS = [
  'product',
  'release',
  'eol',
  'eol_date',
  'vulnerable_cves',
  'likely_cves',
  'recommendation',
  'suspect',
  // Published through a reverse proxy/load balancer: its product ('proxy' when unnamed).
  'front',
  // From NTLM host info. The NTLM names are internal (AD names): for owners, never public views.
  'windows',
  'windows_end_of_support',
  'windows_unsupported',
  'ntlm_dns_computer',
  'ntlm_dns_domain',
] as const;

export const HOSTS_CSV_HEADER = csvLine([...SHADOWSERVER_COLUMNS, ...OUR_COLUMNS]);

/** ShadowServer writes "YYYY-MM-DD HH:MM:SS" in UTC. */
function shadowTimestamp(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 19).replace('T', ' ');
}

function cves(r: HostRecord, status: 'vulnerable' | 'likely'): string[] {
  return (r.classification?.vulns ?? []).filter((v) => v.status === status).map((v) => v.cve);
}

/** The record's web address; null for a port that does not serve the web (a mail port has no URL). */
function urlOf(r: HostRecord): string | null {
  const scheme = webScheme(r.port);
  if (!scheme) return null;
  const host = r.hostname ?? (r.ip.includes(':') ? `[${r.ip}]` : r.ip);
  return `${scheme}://${host}:${r.port}/`;
}

/** Tag column: what the host is, plus one tag per open CVE, ";"-separated like ShadowServer. */
function tags(r: HostRecord): string {
  const t = [r.isExchange ? 'exchange' : r.suspect ? 'exchange-suspect' : r.status];
  if (cvesJudged(r)) for (const cve of cves(r, 'vulnerable')) t.push(cve.toLowerCase());
  return t.join(';');
}

/** A CVE column: the CVEs, "not assessed" for a product with no CVE record, empty for a suspect. */
function cveCell(r: HostRecord, status: 'vulnerable' | 'likely'): string | null {
  if (r.suspect) return null;
  if (r.classification && !productAssessed(r.classification.product)) return NOT_ASSESSED;
  return cves(r, status).join(' ');
}

export function hostCsvValues(r: HostRecord, asOf: string): Array<string | number | boolean | null> {
  // a suspect (a honeypot, a look-alike) claims a build: it gets no support or CVE verdict from it
  const c = r.suspect ? null : r.classification;
  const claimed = r.classification;
  return [
    shadowTimestamp(r.timestamp),
    r.ip,
    'tcp',
    r.port,
    r.hostname ?? null,
    tags(r),
    r.asn?.number ?? null,
    r.geo?.country ?? null,
    r.geo?.region ?? null,
    r.geo?.city ?? null,
    null,
    null,
    null,
    claimed?.build ?? r.evidence.build ?? null,
    r.evidence.serverNames[0] ?? null,
    urlOf(r),
    claimed?.product ?? null,
    claimed?.release ?? null,
    c ? r.isExchange && isPastEol(r, asOf) : null,
    c?.eolDate ?? null,
    cveCell(r, 'vulnerable'),
    cveCell(r, 'likely'),
    c?.recommendation ?? null,
    r.suspect,
    r.evidence.fronted ? (r.evidence.front ?? 'proxy') : null,
    r.windows ? (r.windows.product ?? `Windows ${r.windows.version}`) : null,
    r.windows?.endOfSupport ?? null,
    r.windows?.endOfSupport ? windowsSupportEnded(r.windows.endOfSupport, asOf) : null,
    r.evidence.ntlm?.dnsComputer ?? r.evidence.ntlm?.netbiosComputer ?? null,
    r.evidence.ntlm?.dnsDomain ?? r.evidence.ntlm?.netbiosDomain ?? null,
  ];
}

export function hostCsvLine(r: HostRecord, asOf: string): string {
  return csvLine(hostCsvValues(r, asOf));
}
