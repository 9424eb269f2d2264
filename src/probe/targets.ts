// Target and port specifications as typed on the command line or in a target file.
import { parseRange, type ParsedRange } from './address-ranges.js';

/** smtps: SMTP over implicit TLS (465). */
export type Protocol = 'https' | 'http' | 'smtp' | 'smtps';

export interface PortSpec {
  port: number;
  protocol: Protocol;
}

export type TargetSpec =
  { kind: 'range'; text: string; range: ParsedRange } | { kind: 'name'; text: string; name: string };

export interface SpecError {
  /** "argument 2" or "targets.txt line 7". */
  where: string;
  text: string;
  reason: string;
}

// RFC 1123 host names: letters, digits, hyphens, dots; at least one letter so "1.2.3" is not a name.
const HOSTNAME =
  /^(?=.{1,253}$)(?=.*[a-z])[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

export function parseTargetSpec(text: string): TargetSpec | string {
  const t = text.trim();
  const range = parseRange(t);
  if (range) return { kind: 'range', text: t, range };
  if (/[/:]/.test(t) || /^[\d.-]+$/.test(t)) return 'not an address, CIDR, range or host name';
  if (HOSTNAME.test(t)) return { kind: 'name', text: t, name: t.replace(/\.$/, '').toLowerCase() };
  return 'not an address, CIDR, range or host name';
}

/** Parses the lines of a target file; comments (#) and blank lines are skipped, bad lines returned. */
export function parseTargetLines(text: string, source: string): { specs: TargetSpec[]; errors: SpecError[] } {
  const specs: TargetSpec[] = [];
  const errors: SpecError[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const body = raw.replace(/#.*$/, '').trim();
    if (body === '') return;
    // A line may hold several targets separated by spaces or commas.
    for (const item of body.split(/[\s,]+/)) {
      const r = parseTargetSpec(item);
      if (typeof r === 'string') errors.push({ where: `${source} line ${i + 1}`, text: item, reason: r });
      else specs.push(r);
    }
  });
  return { specs, errors };
}

export interface PortDefaults {
  https: number[];
  http: number[];
  smtp: number[];
  smtps?: number[];
}

/**
 * "443,80,25,https:9443,http:81,smtp:2525,smtps:465". A bare number takes its protocol from the
 * plan's port table (443/8443 TLS HTTP, 80/8080 plain HTTP, 25/587 SMTP, 465 SMTP over TLS); any
 * other number is TLS HTTP.
 */
export function parsePorts(text: string, defaults: PortDefaults): PortSpec[] | string {
  const out: PortSpec[] = [];
  const seen = new Set<number>();
  for (const item of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(?:(https|http|smtps|smtp):)?(\d{1,5})$/i.exec(item);
    const port = Number(m?.[2]);
    if (!m || port < 1 || port > 65535)
      return `bad port "${item}" (expected 1-65535, optionally prefixed https:, http:, smtp: or smtps:)`;
    const named = m[1]?.toLowerCase() as Protocol | undefined;
    const protocol: Protocol =
      named ??
      (defaults.http.includes(port)
        ? 'http'
        : defaults.smtp.includes(port)
          ? 'smtp'
          : defaults.smtps?.includes(port)
            ? 'smtps'
            : 'https');
    if (seen.has(port)) return `port ${port} given twice`;
    seen.add(port);
    out.push({ port, protocol });
  }
  if (out.length === 0) return 'no ports given';
  return out;
}
