// Small real servers on loopback for probe tests. TLS uses the lab's ECDSA test certificate
// data/lab/certs/ex01 (CN WIN-4H8PJ2KQ1TE; see data/lab/README.md for its provenance).
import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
  type Server,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Socket, type Server as NetServer } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { AddressInfo } from 'node:net';
import { repoRoot } from '../../helpers/cli.js';

export const cert = {
  key: readFileSync(`${repoRoot}data/lab/certs/ex01.key.pem`),
  cert: readFileSync(`${repoRoot}data/lab/certs/ex01.cert.pem`),
};
export const CERT_NAMES = ['WIN-4H8PJ2KQ1TE', 'WIN-4H8PJ2KQ1TE.corp.local'];

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  connection: number;
}

export interface TestHttpServer {
  port: number;
  requests: SeenRequest[];
  /** Connections accepted (TCP level), whatever happened next. */
  connections(): number;
  close(): Promise<void>;
}

function listen(server: NetServer | Server, ip: string, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, () => resolve((server.address() as AddressInfo).port));
  });
}

function closer(server: NetServer | Server, sockets: Set<Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

/** An HTTP(S) server whose handler sees every request; keep-alive as Node does it by default. */
export async function startHttpServer(
  ip: string,
  tls: boolean,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  port = 0,
): Promise<TestHttpServer> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const ids = new WeakMap<Socket, number>();
  let n = 0;
  const wrapped = (req: IncomingMessage, res: ServerResponse): void => {
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      connection: ids.get(req.socket) ?? -1,
    });
    handler(req, res);
  };
  const server = tls ? createHttpsServer({ ...cert }, wrapped) : createHttpServer(wrapped);
  server.on('connection', (s: Socket) => {
    n++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on(tls ? 'secureConnection' : 'connection', (s: Socket) => ids.set(s, n));
  const bound = await listen(server, ip, port);
  return { port: bound, requests, connections: () => n, close: closer(server, sockets) };
}

/** A raw TCP or TLS server: `onSocket` decides what (not) to say. */
export async function startRawServer(
  ip: string,
  tls: boolean,
  onSocket: (s: Socket | TLSSocket) => void,
): Promise<TestHttpServer> {
  const sockets = new Set<Socket>();
  let n = 0;
  const server = tls ? createTlsServer({ ...cert }, onSocket) : createNetServer(onSocket);
  server.on('connection', (s: Socket) => {
    n++;
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => {});
  const port = await listen(server, ip);
  return { port, requests: [], connections: () => n, close: closer(server, sockets) };
}

/** A port on `ip` with nothing listening (bound, then released). */
export async function closedPort(ip: string): Promise<number> {
  const s = createNetServer();
  const port = await listen(s, ip);
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
