// Minimal test clients with hard deadlines (a hostile server must never hang a test).
import { request as httpsRequest, Agent } from 'node:https';
import { request as httpRequest } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';

export interface Reply {
  status: number;
  reason: string;
  rawHeaders: string[];
  body: Buffer;
}

export function header(r: Reply, name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < r.rawHeaders.length; i += 2)
    if (r.rawHeaders[i]?.toLowerCase() === name.toLowerCase()) out.push(r.rawHeaders[i + 1] ?? '');
  return out;
}

export function fetchOnce(
  ip: string,
  port: number,
  path: string,
  opts: {
    tls?: boolean;
    agent?: Agent;
    deadlineMs?: number;
    method?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const make = opts.tls === false ? httpRequest : httpsRequest;
    const req = make(
      {
        host: ip,
        port,
        path,
        method: opts.method ?? 'GET',
        rejectUnauthorized: false,
        agent: opts.agent ?? false,
        headers: { 'User-Agent': 'excensus-lab-test', ...opts.headers },
      } as never,
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            reason: res.statusMessage ?? '',
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => req.destroy(new Error('test deadline')), opts.deadlineMs ?? 5000);
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
    req.end();
  });
}

/** Resolves with the socket once connected (plain TCP). */
export function tcpConnect(ip: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host: ip, port }, () => resolve(s));
    s.once('error', reject);
  });
}
