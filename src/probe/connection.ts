// TCP and TLS connections for probes: one shared TLS context, any certificate accepted
// (its names recorded), every wait bounded by a deadline, every failure a value.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import { constants, type X509Certificate } from 'node:crypto';
import type { TlsInfo } from '../core/observation.js';
import type { ObservationStatus } from '../core/observation.js';
import { ResponseParser, type ParsedResponse, type ParserLimits } from './http-parser.js';

export type FailureKind = Exclude<ObservationStatus, 'ok' | 'excluded'>;

export interface ProbeFailure {
  failed: FailureKind;
  detail: string;
}

export function isFailure(v: unknown): v is ProbeFailure {
  return typeof v === 'object' && v !== null && 'failed' in v;
}

// TLS 1.3: AES-128-GCM first (X25519 is already OpenSSL's first key share). TLS 1.2 and older:
// everything OpenSSL has, since old servers may speak only TLS 1.0 with weak ciphers ("DEFAULT"
// is only valid first in the list, so its order stays OpenSSL's; the server picks anyway).
const CLIENT_CIPHERS =
  'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:DEFAULT:@SECLEVEL=0';

/** One context for every connection: building one costs ~0.6 ms of CPU each time. */
export function sharedSecureContext(): SecureContext {
  // No session tickets: the scanner never resumes, so a ticket is work for the server and for us.
  return createSecureContext({
    minVersion: 'TLSv1',
    ciphers: CLIENT_CIPHERS,
    secureOptions: constants.SSL_OP_NO_TICKET,
  });
}

export interface ConnectOptions {
  ip: string;
  port: number;
  tls: boolean;
  /** SNI: only for targets given by name (an IP address is not a valid SNI value). */
  servername?: string;
  secureContext?: SecureContext;
  timeoutMs: number;
  /** Host deadline: aborting gives up the connection attempt at once. */
  signal?: AbortSignal;
  /** Read the peer certificate's names (once per host is enough: reconnects skip it). */
  wantCert?: boolean;
}

export interface Connected {
  socket: Socket | TLSSocket;
  tls?: TlsInfo;
}

function classify(err: NodeJS.ErrnoException, tcpUp: boolean, useTls: boolean): ProbeFailure {
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') return { failed: 'refused', detail: code };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL')
    return { failed: 'unreachable', detail: code };
  if (useTls && (tcpUp || code.startsWith('ERR_SSL') || /SSL|TLS|handshake/i.test(err.message))) {
    return { failed: 'tls-error', detail: `${code || 'TLS'}: ${err.message}`.slice(0, 200) };
  }
  return { failed: 'error', detail: `${code}: ${err.message}`.slice(0, 200) };
}

export function openConnection(o: ConnectOptions): Promise<Connected | ProbeFailure> {
  return new Promise((resolve) => {
    let tcpUp = false;
    let settled = false;
    const socket: Socket | TLSSocket = o.tls
      ? tlsConnect({
          host: o.ip,
          port: o.port,
          rejectUnauthorized: false,
          ...(o.servername ? { servername: o.servername } : {}),
          ...(o.secureContext ? { secureContext: o.secureContext } : {}),
        })
      : netConnect({ host: o.ip, port: o.port });
    const finish = (v: Connected | ProbeFailure): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      socket.removeListener('error', onError);
      socket.removeListener('close', onClose);
      if (isFailure(v)) socket.destroy();
      resolve(v);
    };
    const onError = (err: NodeJS.ErrnoException): void => finish(classify(err, tcpUp, o.tls));
    const onClose = (): void =>
      finish(
        o.tls && tcpUp
          ? { failed: 'tls-error', detail: 'closed during TLS handshake' }
          : { failed: 'error', detail: 'closed while connecting' },
      );
    const onAbort = (): void =>
      finish({ failed: 'timeout', detail: 'host deadline passed while connecting' });
    o.signal?.addEventListener('abort', onAbort);
    const timer = setTimeout(
      () =>
        finish({
          failed: 'timeout',
          detail: tcpUp ? (o.tls ? 'TLS handshake timed out' : 'timed out') : 'connect timed out',
        }),
      o.timeoutMs,
    );
    socket.once('connect', () => {
      tcpUp = true;
      if (!o.tls) finish({ socket });
    });
    if (o.tls) {
      socket.once('secureConnect', () => {
        if (!o.wantCert) return finish({ socket });
        const cert = (socket as TLSSocket).getPeerX509Certificate();
        finish(cert ? { socket, tls: certInfo(cert) } : { socket, tls: { names: [] } });
      });
    }
    socket.on('error', onError);
    socket.on('close', onClose);
  });
}

// X509Certificate parses fields lazily; getPeerCertificate() would also hash the certificate
// three ways and build a large object, per connection.
export function certInfo(cert: X509Certificate): TlsInfo {
  const names: string[] = [];
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1];
  if (cn) names.push(cn);
  for (const part of (cert.subjectAltName ?? '').split(',')) {
    const m = /^\s*DNS:(.+)$/.exec(part);
    if (m?.[1] && !names.includes(m[1])) names.push(m[1]);
  }
  const info: TlsInfo = { names };
  if (cn) info.subjectCN = cn;
  const issuerCn = /(?:^|\n)CN=([^\n]*)/.exec(cert.issuer)?.[1];
  if (issuerCn) info.issuer = issuerCn;
  const notAfter = new Date(cert.validTo);
  if (!Number.isNaN(notAfter.getTime())) info.notAfter = notAfter.toISOString();
  info.selfSigned = cert.subject === cert.issuer;
  return info;
}

/** Writes one request and reads one response within `timeoutMs` (a whole-response deadline, so trickling cannot stretch it). */
export function exchangeOnce(
  socket: Socket,
  request: string,
  limits: ParserLimits,
  isHead: boolean,
  timeoutMs: number,
): Promise<ParsedResponse | ProbeFailure> {
  return new Promise((resolve) => {
    const parser = new ResponseParser(limits, isHead);
    let settled = false;
    const finish = (v: ParsedResponse | ProbeFailure): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('end', onEnd);
      socket.removeListener('close', onEnd);
      socket.removeListener('error', onError);
      resolve(v);
    };
    const settle = (): void => {
      if (parser.state !== 'error') finish(parser.result());
      // The head arrived but the body broke off: the headers still count, the error is kept.
      else if (parser.headers.length > 0 || parser.status > 0)
        finish({ ...parser.result(), keepAlive: false, error: parser.error });
      else finish({ failed: 'protocol-error', detail: parser.error });
    };
    const onData = (chunk: Buffer): void => {
      if (parser.push(chunk)) settle();
    };
    const onEnd = (): void => {
      parser.end();
      settle();
    };
    const onError = (err: NodeJS.ErrnoException): void => {
      // A reset after a complete head still leaves a usable (partial) response.
      if (parser.status > 0 && parser.state !== 'head') {
        parser.end();
        settle();
      } else
        finish({
          failed: err.code === 'ECONNRESET' || err.code === 'EPIPE' ? 'protocol-error' : 'error',
          detail: `${err.code ?? 'error'}: ${err.message}`.slice(0, 200),
        });
    };
    const timer = setTimeout(
      () =>
        finish({
          failed: 'timeout',
          detail:
            parser.state === 'head' && parser.status === 0
              ? 'no response in time'
              : 'response incomplete in time',
        }),
      timeoutMs,
    );
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onError);
    socket.write(request);
  });
}
