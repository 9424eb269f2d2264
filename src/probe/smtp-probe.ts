// SMTP on mail ports: read the greeting, send EHLO, read the reply, QUIT. Nothing else.
import type { Socket } from 'node:net';
import type { Banners } from '../core/observation.js';
import type { ProbeLogEntry } from '../core/host-record.js';
import { isFailure, openConnection, type ProbeFailure } from './connection.js';

export interface SmtpProbeOptions {
  ehloName: string;
  probeTimeoutMs: number;
  /** Bound on each reply, greeting included. */
  maxReplyBytes: number;
  signal: AbortSignal;
}

export interface SmtpProbeResult {
  failure?: ProbeFailure;
  banners?: Banners;
  probes: ProbeLogEntry[];
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
    tls: false,
    timeoutMs: o.probeTimeoutMs,
    signal: o.signal,
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
  const socket = c.socket;
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
    if (!isFailure(ehlo)) {
      out.banners.ehlo = ehlo.join('\n');
      socket.end('QUIT\r\n');
    }
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
