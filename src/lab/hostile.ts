// Servers that misbehave on purpose. Each costs the lab almost nothing per connection:
// no per-socket timers (one shared ticker drives every trickle), bounded buffers (writes wait for drain).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { makeRng } from './rng.js';

/** TLS alert record: fatal (2) handshake_failure (40), TLS 1.2 framing. */
const TLS_HANDSHAKE_FAILURE = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);
const TRICKLE_TEXT = Buffer.from(
  'HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html\r\nX-Padding: ' + '.'.repeat(4096),
);
const CHUNK = Buffer.alloc(64 * 1024, 0x41);

/** Answers the ClientHello with a fatal alert, then closes: the client sees a handshake failure. */
export function tlsFail(raw: Socket): void {
  raw.once('data', () => raw.end(TLS_HANDSHAKE_FAILURE));
}

/** Deterministic bytes that are neither HTTP nor TLS, sent once the request arrives. */
export function garbage(sock: Socket, seed: number): void {
  sock.once('data', () => {
    const rng = makeRng(seed);
    const junk = Buffer.alloc(512);
    for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(rng() * 256);
    junk.write('\x00\xffSSH-1.99-\x7f', 0, 'latin1'); // make sure it cannot start like "HTTP/"
    sock.end(junk);
  });
}

/** One shared interval writes one byte per second to every trickling socket. */
export class Trickler {
  private readonly sockets = new Map<Socket, number>();
  private timer: NodeJS.Timeout | undefined;

  add(sock: Socket): void {
    sock.once('data', () => {
      this.sockets.set(sock, 0);
      sock.once('close', () => this.sockets.delete(sock));
      this.timer ??= setInterval(() => this.tick(), 1000).unref();
    });
  }

  private tick(): void {
    for (const [sock, pos] of this.sockets) {
      if (pos >= TRICKLE_TEXT.length || sock.destroyed) {
        this.sockets.delete(sock);
        continue;
      }
      sock.write(TRICKLE_TEXT.subarray(pos, pos + 1));
      this.sockets.set(sock, pos + 1);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sockets.clear();
  }
}

/** Streams body bytes for as long as the client reads, honouring back-pressure. */
function pump(res: ServerResponse): void {
  const write = (): void => {
    while (!res.destroyed && res.write(CHUNK));
  };
  res.on('drain', write);
  write();
}

export function endlessBody(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, 'OK', ['Server', 'nginx/1.24.0', 'Content-Type', 'text/html']);
  pump(res);
}

export function hugeBody(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, 'OK', [
    'Server',
    'nginx/1.24.0',
    'Content-Type',
    'application/octet-stream',
    'Content-Length',
    String(2 ** 33),
  ]);
  pump(res);
}

/** Same-host redirects between two paths, forever. */
export function redirectLoop(req: IncomingMessage, res: ServerResponse): void {
  const next = req.url === '/loop/a' ? '/loop/b' : '/loop/a';
  res.writeHead(302, 'Found', ['Server', 'nginx/1.24.0', 'Location', next, 'Content-Length', '0']);
  res.end();
}
