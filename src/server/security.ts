// What every response carries and what every request must show: strict headers, the token
// (header or login cookie, compared in constant time), and on loopback without a token a Host
// check, so a web page elsewhere cannot read the census through a rebound DNS name.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** No inline script anywhere; inline style attributes only (the shared SVG renderers use a few). */
export const CSP =
  "default-src 'none'; script-src 'self'; style-src-elem 'self'; style-src-attr 'unsafe-inline'; " +
  "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

export const COOKIE = 'excensus_session';

/** Compares two secrets in constant time (digests first, so lengths do not leak either). */
export function sameSecret(given: string, expected: string, key: Buffer): boolean {
  const a = createHmac('sha256', key).update(given).digest();
  const b = createHmac('sha256', key).update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The cookie value a login sets: derived from the token, so the token itself never sits in a cookie. */
export function sessionValue(token: string, key: Buffer): string {
  return createHmac('sha256', key).update(`session:${token}`).digest('base64url');
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

export interface Gate {
  token: string | null;
  /** Random per server start: keys the comparisons and the session cookie. */
  key: Buffer;
  /** host:port names a loopback server answers to (empty when a token guards it). */
  hostNames: Set<string>;
}

/** Whether the request may be served: a token in header or cookie, or (no token) a loopback Host name. */
export function admitted(req: IncomingMessage, gate: Gate): boolean {
  if (gate.token === null) return gate.hostNames.has((req.headers.host ?? '').toLowerCase());
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer '))
    return sameSecret(auth.slice(7).trim(), gate.token, gate.key);
  const session = cookieOf(req, COOKIE);
  return session !== undefined && sameSecret(session, sessionValue(gate.token, gate.key), gate.key);
}

/** A path to return to after login: same site only. */
export function safeNext(next: string | null): string {
  return next && /^\/(?![/\\])[^\s]*$/.test(next) ? next : '/';
}

export function loopbackNames(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}
