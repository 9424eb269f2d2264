// Runs the probe plan against one HTTP(S) target over as few connections as the server
// allows: each response becomes an HttpExchange, each request a probe log entry.
import type { SecureContext } from 'node:tls';
import type { Socket } from 'node:net';
import type { HttpExchange, TlsInfo } from '../core/observation.js';
import type { ProbeLogEntry } from '../core/host-record.js';
import { md5Hex, shodanFaviconHash } from '../fingerprint/favicon-hash.js';
import { anyHolds, resolvePath, type StagedExchange } from './conditions.js';
import {
  exchangeOnce,
  isFailure,
  openConnection,
  type FailureKind,
  type ProbeFailure,
} from './connection.js';
import type { ParsedResponse } from './http-parser.js';
import type { PlanStage, ProbePlan } from './probe-plan.js';
import { NTLM_NEGOTIATE_HEADER } from './ntlm-negotiate.js';
import { sameOriginPath } from './redirect.js';

export interface HttpProbeOptions {
  plan: ProbePlan;
  secureContext: SecureContext;
  userAgent: string;
  probeTimeoutMs: number;
  maxHeaderBytes: number;
  maxBodyBytes: number;
  maxRedirects: number;
  /** Aborted when the host deadline passes: the current socket is destroyed. */
  signal: AbortSignal;
}

export interface HttpProbeResult {
  /** Set when no HTTP response at all was read. */
  failure?: ProbeFailure;
  http: HttpExchange[];
  tls?: TlsInfo;
  probes: ProbeLogEntry[];
}

interface Target {
  ip: string;
  port: number;
  tls: boolean;
  hostname?: string;
}

function hostHeader(t: Target): string {
  const name = t.hostname ?? (t.ip.includes(':') ? `[${t.ip}]` : t.ip);
  const defaultPort = t.tls ? 443 : 80;
  return t.port === defaultPort ? name : `${name}:${t.port}`;
}

// OpenSSL's words for "the server answered in plain text": the port speaks HTTP, not HTTPS.
const PLAINTEXT_REPLY = /WRONG_VERSION_NUMBER|packet length too long|http request/i;

export async function probeHttp(target: Target, o: HttpProbeOptions): Promise<HttpProbeResult> {
  const t = { ...target };
  const out: HttpProbeResult = { http: [], probes: [] };
  const seen: StagedExchange[] = [];
  const host = hostHeader(t);
  let socket: Socket | undefined;
  let requests = 0;
  const onAbort = (): void => {
    socket?.destroy();
  };
  o.signal.addEventListener('abort', onAbort);

  // One request, reconnecting when there is no live connection (or the kept-alive one was closed).
  const send = async (
    method: string,
    path: string,
    auth?: 'ntlm-negotiate',
  ): Promise<ParsedResponse | ProbeFailure> => {
    const authLine = auth === 'ntlm-negotiate' ? `Authorization: ${NTLM_NEGOTIATE_HEADER}\r\n` : '';
    const label = `${method} ${path}${auth ? ` (${auth})` : ''}`;
    for (let attempt = 0; attempt < 2; attempt++) {
      const reused = socket !== undefined && !socket.destroyed;
      if (!reused) {
        const t0 = performance.now();
        const c = await openConnection({
          ip: t.ip,
          port: t.port,
          tls: t.tls,
          timeoutMs: o.probeTimeoutMs,
          secureContext: o.secureContext,
          signal: o.signal,
          wantCert: out.tls === undefined,
          ...(t.hostname ? { servername: t.hostname } : {}),
        });
        if (o.signal.aborted) return { failed: 'timeout', detail: 'host deadline passed' };
        if (isFailure(c)) {
          out.probes.push({
            request: t.tls ? 'TLS connect' : 'TCP connect',
            status: 0,
            ms: ms(t0),
            error: `${c.failed}: ${c.detail}`,
          });
          // Fall back from HTTPS to HTTP once, for servers that speak plain HTTP on the port.
          if (t.tls && out.http.length === 0 && c.failed === 'tls-error' && PLAINTEXT_REPLY.test(c.detail)) {
            t.tls = false;
            attempt--;
            continue;
          }
          return c;
        }
        socket = c.socket;
        if (c.tls && !out.tls) out.tls = c.tls;
      }
      const req = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${o.userAgent}\r\nAccept: */*\r\n${authLine}Connection: keep-alive\r\n\r\n`;
      const t0 = performance.now();
      const r = await exchangeOnce(
        socket as Socket,
        req,
        { maxHeaderBytes: o.maxHeaderBytes, maxBodyBytes: o.maxBodyBytes },
        method === 'HEAD',
        o.probeTimeoutMs,
      );
      if (o.signal.aborted) return { failed: 'timeout', detail: 'host deadline passed' };
      if (isFailure(r)) {
        socket?.destroy();
        socket = undefined;
        // A kept-alive connection the server has since closed: retry once on a fresh one.
        if (reused && attempt === 0 && r.failed !== 'timeout') continue;
        out.probes.push({
          request: label,
          status: 0,
          ms: ms(t0),
          error: `${r.failed}: ${r.detail}`,
        });
        return r;
      }
      out.probes.push({
        request: label,
        status: r.status,
        ms: ms(t0),
        ...(r.error ? { error: r.error } : {}),
      });
      if (!r.keepAlive) {
        socket?.destroy();
        socket = undefined;
      }
      return r;
    }
    return { failed: 'error', detail: 'unreachable' };
  };

  let stopped = false;
  try {
    for (const stage of o.plan.stages) {
      if (requests >= o.plan.maxRequests) break;
      // After a stop, only stages that record facts beside the verdict still run.
      if (stopped && !stage.afterStop) continue;
      if (stage.whenAny && !anyHolds(stage.whenAny, seen)) continue;
      if (stage.whenAll && !stage.whenAll.every((c) => anyHolds([c], seen))) continue;
      if (stage.unlessAny && anyHolds(stage.unlessAny, seen)) continue;
      let path = resolvePath(stage, o.plan, seen);
      if (path === null) continue;
      let redirects = 0;
      let stop = false;
      while (path !== null && requests < o.plan.maxRequests) {
        requests++;
        const r = await send(stage.method, path, stage.auth);
        if (isFailure(r)) {
          if (out.http.length === 0) out.failure = r;
          else
            out.http.push({
              path,
              method: stage.method,
              status: 0,
              headers: [],
              error: `${r.failed}: ${r.detail}`,
            });
          stop = true;
          break;
        }
        const x = toExchange(stage, path, r);
        out.http.push(x);
        seen.push({ stage: stage.id, exchange: x });
        path = null;
        if (stage.followRedirects && r.status >= 300 && r.status < 400 && redirects < o.maxRedirects) {
          const next = sameOriginPath(headerValue(r, 'location'), t, x.path);
          if (next !== null) {
            redirects++;
            path = next;
          }
        }
      }
      if (stop) break;
      if (
        anyHolds(
          stage.stopIf,
          seen.filter((s) => s.stage === stage.id),
        )
      )
        stopped = true;
    }
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    socket?.destroy();
  }
  return out;
}

function ms(t0: number): number {
  return Math.round((performance.now() - t0) * 10) / 10;
}

function headerValue(r: ParsedResponse, lower: string): string | undefined {
  for (const [n, v] of r.headers) if (n.toLowerCase() === lower) return v;
  return undefined;
}

function toExchange(stage: PlanStage, path: string, r: ParsedResponse): HttpExchange {
  const x: HttpExchange = { path, method: stage.method, status: r.status, headers: r.headers };
  if (r.truncated) x.bodyTruncated = true;
  if (r.error) x.error = r.error;
  if (stage.hashBody && r.status === 200 && r.body.length > 0 && !r.truncated) {
    // A binary body (an icon) is kept as its hashes: that is all the rules read from it.
    x.faviconMmh3 = shodanFaviconHash(r.body);
    x.bodyMd5 = md5Hex(r.body);
  } else if (r.body.length > 0) x.body = r.body.toString('latin1');
  return x;
}

export type { FailureKind };
