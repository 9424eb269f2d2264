// SMTP on mail ports: read the greeting, send EHLO, read the reply; STARTTLS where offered (then
// EHLO again over TLS), or TLS from the start on smtps ports; QUIT. Nothing else.
import type { Socket } from 'node:net';
import { connect as tlsConnect, type SecureContext, type TLSSocket } from 'node:tls';
import type { Banners, SmtpSession, TlsInfo } from '../core/observation.js';
import type { ProbeLogEntry } from '../core/host-record.js';
import { certInfo, isFailure, openConnection, type ProbeFailure } from './connection.js';

export interface SmtpProbeOptions {
  ehloName: string;
  /** Upgrade with STARTTLS when EHLO offers it. */
  starttls: boolean;
  /** smtps: TLS from the first byte. */
  implicitTls?: boolean;
  secureContext?: SecureContext;
  probeTimeoutMs: number;
  /** Bound on each reply, greeting included. */
  maxReplyBytes: number;
  signal: AbortSignal;
}

export interface SmtpProbeResult {
  failure?: ProbeFailure;
  banners?: Banners;
  session?: SmtpSession;
  tls?: TlsInfo;
  probes: ProbeLogEntry[];
}

/** EHLO keywords: the first word of each line after the greeting line, upper case. */
export function ehloKeywords(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines.slice(1)) {
    const word = /^\d{3}[ -]([A-Za-z0-9][A-Za-z0-9-]*)/.exec(line)?.[1]?.toUpperCase();
    if (word && !out.includes(word)) out.push(word);
  }
  return out;
}

/** Upgrades an SMTP socket after "220" to STARTTLS; the certificate's names, or a failure. */
function upgrade(
  socket: Socket,
  o: SmtpProbeOptions,
): Promise<{ socket: TLSSocket; tls: TlsInfo } | ProbeFailure> {
  return new Promise((resolve) => {
    const tls = tlsConnect({
      socket,
      rejectUnauthorized: false,
      ...(o.secureContext ? { secureContext: o.secureContext } : {}),
    });
    const timer = setTimeout(
      () => done({ failed: 'timeout', detail: 'STARTTLS handshake timed out' }),
      o.probeTimeoutMs,
    );
    const done = (v: { socket: TLSSocket; tls: TlsInfo } | ProbeFailure): void => {
      clearTimeout(timer);
      tls.removeAllListeners('error');
      tls.on('error', () => tls.destroy());
      if (isFailure(v)) tls.destroy();
      resolve(v);
    };
    tls.once('secureConnect', () => {
      const cert = tls.getPeerX509Certificate();
      done({ socket: tls, tls: cert ? certInfo(cert) : { names: [] } });
    });
    tls.once('error', (err: Error) => done({ failed: 'tls-error', detail: err.message.slice(0, 200) }));
  });
}

/** Reads one (possibly multi-line) SMTP reply: lines "NNN-..." until "NNN ...". */
function readReply(socket: Socket, maxBytes: number, timeoutMs: number): Promise<string[] | ProbeFailure> {
  return new Promise((resolve) => {
    let buf = '';
    const done = (v: string[] | ProbeFailure): void => {
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('close', onClose);
      socket.removeListener('error', onClose);
      resolve(v);
    };
    const onData = (chunk: Buffer): void => {
      buf += chunk.toString('latin1');
      const lines = buf.split(/\r?\n/);
      for (let i = 0; i < lines.length - 1; i++) {
        const line = lines[i] as string;
        if (!/^\d{3}(?:[ -]|$)/.test(line)) {
          done({
            failed: 'protocol-error',
            detail: `not SMTP: "${line.slice(0, 40).replace(/[^\x20-\x7e]/g, '.')}"`,
          });
          return;
        }
        if (line.length === 3 || line[3] === ' ') {
          done(lines.slice(0, i + 1));
          return;
        }
      }
      if (buf.length > maxBytes)
        done({ failed: 'protocol-error', detail: `SMTP reply exceeds ${maxBytes} bytes` });
    };
    const onClose = (): void => done({ failed: 'protocol-error', detail: 'connection closed mid-reply' });
    const timer = setTimeout(
      () => done({ failed: 'timeout', detail: 'no complete SMTP reply in time' }),
      timeoutMs,
    );
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', onClose);
  });
}

export async function probeSmtp(
  t: { ip: string; port: number },
  o: SmtpProbeOptions,
): Promise<SmtpProbeResult> {
  const out: SmtpProbeResult = { probes: [] };
  let t0 = performance.now();
  const c = await openConnection({
    ip: t.ip,
    port: t.port,
    tls: o.implicitTls === true,
    timeoutMs: o.probeTimeoutMs,
    signal: o.signal,
    wantCert: o.implicitTls === true,
    ...(o.secureContext ? { secureContext: o.secureContext } : {}),
  });
  if (isFailure(c)) {
    out.probes.push({
      request: 'TCP connect',
      status: 0,
      ms: elapsed(t0),
      error: `${c.failed}: ${c.detail}`,
    });
    out.failure = c;
    return out;
  }
  let socket: Socket = c.socket;
  if (c.tls) out.tls = c.tls;
  const onAbort = (): void => {
    socket.destroy();
  };
  o.signal.addEventListener('abort', onAbort);
  try {
    const greeting = await readReply(socket, o.maxReplyBytes, o.probeTimeoutMs);
    out.probes.push({
      request: 'SMTP greeting',
      status: isFailure(greeting) ? 0 : codeOf(greeting),
      ms: elapsed(t0),
      ...(isFailure(greeting) ? { error: `${greeting.failed}: ${greeting.detail}` } : {}),
    });
    if (isFailure(greeting)) {
      out.failure = greeting;
      return out;
    }
    out.banners = { smtp: greeting.join('\n') };
    t0 = performance.now();
    socket.write(`EHLO ${o.ehloName}\r\n`);
    const ehlo = await readReply(socket, o.maxReplyBytes, o.probeTimeoutMs);
    out.probes.push({
      request: 'SMTP EHLO',
      status: isFailure(ehlo) ? 0 : codeOf(ehlo),
      ms: elapsed(t0),
      ...(isFailure(ehlo) ? { error: `${ehlo.failed}: ${ehlo.detail}` } : {}),
    });
    if (isFailure(ehlo)) return out;
    out.banners.ehlo = ehlo.join('\n');
    const keywords = ehloKeywords(ehlo);
    out.session = { tls: o.implicitTls ? 'implicit' : 'not-offered', keywords };
    if (!o.implicitTls && o.starttls && keywords.includes('STARTTLS')) {
      t0 = performance.now();
      socket.write('STARTTLS\r\n');
      const go = await readReply(socket, o.maxReplyBytes, o.probeTimeoutMs);
      const code = isFailure(go) ? 0 : codeOf(go);
      out.probes.push({ request: 'SMTP STARTTLS', status: code, ms: elapsed(t0) });
      if (code !== 220) {
        out.session.tls = 'refused';
      } else {
        t0 = performance.now();
        const up = await upgrade(socket, o);
        out.probes.push({
          request: 'TLS handshake',
          status: 0,
          ms: elapsed(t0),
          ...(isFailure(up) ? { error: `${up.failed}: ${up.detail}` } : {}),
        });
        if (isFailure(up)) {
          out.session.tls = 'failed';
          return out;
        }
        socket = up.socket;
        out.tls = up.tls;
        out.session.tls = 'ok';
        // EHLO again: the server may offer more over TLS (AUTH mechanisms).
        t0 = performance.now();
        socket.write(`EHLO ${o.ehloName}\r\n`);
        const again = await readReply(socket, o.maxReplyBytes, o.probeTimeoutMs);
        out.probes.push({
          request: 'SMTP EHLO (TLS)',
          status: isFailure(again) ? 0 : codeOf(again),
          ms: elapsed(t0),
        });
        if (isFailure(again)) return out;
        for (const k of ehloKeywords(again)) if (!keywords.includes(k)) keywords.push(k);
      }
    }
    socket.end('QUIT\r\n');
    return out;
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    // Give QUIT a moment in the kernel buffer; destroy regardless so nothing lingers.
    setImmediate(() => socket.destroy());
  }
}

function codeOf(lines: string[]): number {
  return Number((lines[lines.length - 1] ?? '').slice(0, 3)) || 0;
}

function elapsed(t0: number): number {
  return Math.round((performance.now() - t0) * 10) / 10;
}
