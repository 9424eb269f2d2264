// A real HTTP server on 127.0.0.1 that serves a directory (a mirror of the upstream sources), with
// per-path behaviours for the bad-input tests: an HTML page, an endless or huge body, no answer.
import http from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';

export type Behaviour =
  | { kind: 'html' }
  | { kind: 'huge-declared'; bytes: number }
  | { kind: 'endless' }
  | { kind: 'hang' }
  | { kind: 'status'; status: number }
  | { kind: 'text'; body: string; type?: string };

export interface StaticServer {
  url: string;
  /** Paths requested, in order. */
  requests: string[];
  /** Bytes written by endless bodies before the client went away. */
  endlessBytes: number;
  close(): Promise<void>;
}

export async function startStaticServer(
  root: string,
  behaviours: Record<string, Behaviour> = {},
): Promise<StaticServer> {
  const state = { requests: [] as string[], endlessBytes: 0 };
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    state.requests.push(path);
    const b = behaviours[path];
    if (b?.kind === 'hang') return; // never answers; the client's deadline ends it
    if (b?.kind === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(
        '<!DOCTYPE html><html><head><title>Service unavailable</title></head><body>Try later</body></html>',
      );
    }
    if (b?.kind === 'status') {
      res.writeHead(b.status);
      return res.end();
    }
    if (b?.kind === 'text') {
      res.writeHead(200, { 'content-type': b.type ?? 'text/plain' });
      return res.end(b.body);
    }
    if (b?.kind === 'huge-declared') {
      res.writeHead(200, { 'content-length': String(b.bytes), 'content-type': 'text/csv' });
      res.write('Product Name,Build Number,Date,KB,Blog\r\n');
      return; // the client refuses on the header; the socket closes with it
    }
    if (b?.kind === 'endless') {
      res.writeHead(200, { 'content-type': 'text/csv' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = (): void => {
        let more = true;
        while (!res.destroyed && more) {
          more = res.write(chunk);
          state.endlessBytes += chunk.length;
        }
        if (!res.destroyed) res.once('drain', pump);
      };
      return pump();
    }
    const file = normalize(join(root, path));
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200);
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    get endlessBytes() {
      return state.endlessBytes;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
