// Binds one listener per lab address and port (loopback only) and routes each connection to its
// host's behaviour. One shared HTTP parser and one SecureContext per certificate serve the fleet.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { TLSSocket, type SecureContext } from 'node:tls';
import { ConfigError } from '../core/errors.js';
import { ContextPool } from './certs.js';
import type { FleetData } from './fleet-data.js';
import { endlessBody, garbage, hugeBody, redirectLoop, tlsFail, Trickler } from './hostile.js';
import type { HostPlan } from './plan.js';
import { compileHost, respond, type CompiledHost } from './responder.js';
import { serveSmtp } from './smtp.js';

/** Raw sockets idle this long before a TLS handshake (or between requests) are dropped. */
const IDLE_MS = 30_000;

interface ConnCtx {
  plan: HostPlan;
  scheme: 'http' | 'https';
  compiled?: CompiledHost;
}

export class LabServer {
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly ctxBySocket = new WeakMap<Socket, ConnCtx>();
  private readonly compiled = new Map<HostPlan, CompiledHost>();
  private readonly contexts: ContextPool;
  private readonly trickler = new Trickler();
  private readonly http = createHttpServer(
    { keepAliveTimeout: 5000, headersTimeout: 10_000, requestTimeout: 15_000 },
    (req, res) => this.onRequest(req, res),
  );

  constructor(
    private readonly data: FleetData,
    private readonly onError: (message: string) => void,
  ) {
    this.contexts = new ContextPool(join(data.dir, 'certs'));
    // As IIS does: a request it cannot parse (a TLS ClientHello on a plain-HTTP port...) gets a bare 400.
    this.http.on('clientError', (_err, sock) => {
      if (sock.writable)
        sock.end(
          'HTTP/1.1 400 Bad Request\r\nContent-Type: text/html; charset=us-ascii\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
        );
      else sock.destroy();
    });
  }

  async start(
    plans: HostPlan[],
    httpsPort: number,
    httpPort?: number,
    smtpPort?: number,
    smtpsPort?: number,
  ): Promise<void> {
    const binds: Array<Promise<void>> = [];
    for (const plan of plans) {
      const { truth, profile } = plan;
      if (truth.kind === 'closed') continue;
      binds.push(this.listen(truth.ip, httpsPort, (raw) => this.onMain(raw, plan)));
      if (truth.kind === 'exchange' && httpPort !== undefined)
        binds.push(this.listen(truth.ip, httpPort, (raw) => this.toHttp(raw, plan, 'http')));
      if (truth.exposes.smtp && smtpPort !== undefined) {
        const dialect = profile.smtp_iis ? this.data.smtp.iis : this.data.smtp.exchange;
        const fqdn = plan.cert?.san.find((n) => n.includes('.')) ?? plan.cert?.cn ?? truth.ip;
        // Exchange hosts upgrade with their own certificate (STARTTLS); the IIS look-alike offers none.
        const tls = profile.smtp_iis ? undefined : this.contextFor(plan);
        binds.push(this.listen(truth.ip, smtpPort, (raw) => serveSmtp(raw, dialect, fqdn, tls)));
        if (smtpsPort !== undefined)
          binds.push(
            this.listen(truth.ip, smtpsPort, (raw) =>
              serveSmtp(raw, dialect, fqdn, this.contextFor(plan), true),
            ),
          );
      }
    }
    const results = await Promise.allSettled(binds);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await this.stop();
      throw failed.reason;
    }
  }

  private listen(ip: string, port: number, onConn: (raw: Socket) => void): Promise<void> {
    if (!ip.startsWith('127.')) throw new Error(`lab: refusing to bind non-loopback ${ip}`); // planLab guarantees this; belt and braces
    const server = createNetServer({ noDelay: true }, (raw) => {
      this.sockets.add(raw);
      raw.once('close', () => this.sockets.delete(raw));
      raw.on('error', () => raw.destroy());
      raw.setTimeout(IDLE_MS, () => raw.destroy());
      onConn(raw);
    });
    this.servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(bindError(err, ip, port)));
      server.listen({ host: ip, port, exclusive: true, backlog: 1024 }, () => {
        server.removeAllListeners('error');
        server.on('error', (err) => this.onError(`lab listener ${ip}:${port}: ${err.message}`));
        resolve();
      });
    });
  }

  private onMain(raw: Socket, plan: HostPlan): void {
    const behaviour = plan.profile.behaviour;
    if (behaviour === 'silent') return; // accepted, never answered
    if (behaviour === 'tls-fail') return tlsFail(raw);
    if (!plan.truth.exposes.tls) return this.toHttp(raw, plan, 'http');
    const tls = new TLSSocket(raw, { isServer: true, secureContext: this.contextFor(plan) });
    tls.on('error', () => tls.destroy());
    tls.once('secure', () => {
      if (behaviour === 'trickle') this.trickler.add(tls);
      else if (behaviour === 'garbage') garbage(tls, plan.seed);
      else this.toHttp(tls, plan, 'https');
    });
  }

  private contextFor(plan: HostPlan): SecureContext {
    const cert = plan.cert ?? this.data.certs.other[0];
    if (!cert) throw new Error('lab: no certificate configured');
    return this.contexts.get(cert);
  }

  private toHttp(sock: Socket, plan: HostPlan, scheme: 'http' | 'https'): void {
    this.ctxBySocket.set(sock, { plan, scheme });
    this.http.emit('connection', sock);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const ctx = this.ctxBySocket.get(req.socket);
    if (!ctx) return void res.destroy();
    const { plan } = ctx;
    switch (plan.profile.behaviour) {
      case 'endless-body':
        return endlessBody(req, res);
      case 'huge-body':
        return hugeBody(req, res);
      case 'redirect-loop':
        return redirectLoop(req, res);
    }
    let compiled = this.compiled.get(plan);
    if (!compiled) {
      compiled = compileHost(plan, this.data);
      this.compiled.set(plan, compiled);
    }
    respond(compiled, req, res, ctx.scheme, plan.truth.ip);
  }

  async stop(): Promise<void> {
    this.trickler.stop();
    const closing = this.servers.map(
      (s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve())),
    );
    for (const sock of this.sockets) sock.destroy();
    this.sockets.clear();
    this.servers.length = 0;
    await Promise.all(closing);
  }
}

function bindError(err: NodeJS.ErrnoException, ip: string, port: number): Error {
  if (err.code === 'EMFILE' || err.code === 'ENFILE') {
    return new ConfigError(
      'E_LAB_FD_LIMIT',
      `out of file descriptors binding ${ip}:${port}; raise the limit (ulimit -n 65536) or start a smaller lab`,
      { cause: err },
    );
  }
  if (err.code === 'EADDRINUSE')
    return new ConfigError('E_LAB_ADDR_IN_USE', `${ip}:${port} is already in use (another lab running?)`, {
      cause: err,
    });
  if (err.code === 'EADDRNOTAVAIL')
    return new ConfigError(
      'E_LAB_ADDR',
      `cannot bind ${ip}: loopback alias missing (Linux routes all of 127.0.0.0/8; other systems need aliases)`,
      { cause: err },
    );
  return new ConfigError('E_LAB_LISTEN', `cannot listen on ${ip}:${port}: ${err.message}`, { cause: err });
}
