// Downloads one upstream file over HTTP(S) with a deadline, a byte limit enforced while the body
// streams in (a huge answer is cut off, never buffered), bounded redirects and gzip. Every failure
// becomes a SourceError with a code: the caller names the source and moves on to the next.
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { sha256 } from '../manifest.js';

export type SourceErrorCode =
  | 'E_DNS'
  | 'E_OFFLINE'
  | 'E_TIMEOUT'
  | 'E_TOO_LARGE'
  | 'E_HTTP'
  | 'E_NOT_FOUND'
  | 'E_NETWORK'
  | 'E_HTML'
  | 'E_FORMAT'
  | 'E_NEWER_FORMAT';

/** A source that could not be read or understood. */
export class SourceError extends Error {
  constructor(
    readonly code: SourceErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface Fetched {
  url: string;
  text: string;
  bytes: number;
  sha256: string;
  fetchedAt: string;
}

export interface DownloadOptions {
  timeoutMs: number;
  maxBytes: number;
  userAgent: string;
  accept?: string | undefined;
  /** Name resolution; tests pass one that fails to stand for a DNS outage. */
  lookup?: LookupFunction | undefined;
  maxRedirects?: number;
  now?: () => Date;
}

const NETWORK_CODES: Record<string, SourceErrorCode> = {
  ENOTFOUND: 'E_DNS',
  EAI_AGAIN: 'E_DNS',
  ECONNREFUSED: 'E_OFFLINE',
  ENETUNREACH: 'E_OFFLINE',
  EHOSTUNREACH: 'E_OFFLINE',
  ECONNRESET: 'E_NETWORK',
};

function mb(n: number): string {
  return `${(n / 1048576).toFixed(n < 1048576 ? 2 : 0)} MB`;
}

export async function download(url: string, opts: DownloadOptions, redirects = 0): Promise<Fetched> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw new SourceError('E_NETWORK', `${url}: only http and https URLs can be downloaded`);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise<Fetched>((resolve, reject) => {
    let settled = false;
    const fail = (err: SourceError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.destroy();
      reject(err);
    };
    const deadline = setTimeout(
      () =>
        fail(new SourceError('E_TIMEOUT', `${url}: no complete answer within ${opts.timeoutMs / 1000} s`)),
      opts.timeoutMs,
    );
    const req = client.get(
      target,
      {
        headers: {
          'user-agent': opts.userAgent,
          accept: opts.accept ?? '*/*',
          'accept-encoding': 'gzip',
        },
        ...(opts.lookup ? { lookup: opts.lookup } : {}),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          const next = new URL(res.headers.location, target);
          if (redirects >= (opts.maxRedirects ?? 5))
            return fail(new SourceError('E_HTTP', `${url}: more than ${opts.maxRedirects ?? 5} redirects`));
          if (target.protocol === 'https:' && next.protocol !== 'https:')
            return fail(
              new SourceError('E_HTTP', `${url}: refused a redirect from https to ${next.protocol}`),
            );
          settled = true;
          clearTimeout(deadline);
          download(next.href, opts, redirects + 1).then(resolve, reject);
          return;
        }
        if (status < 200 || status >= 300) {
          res.resume();
          return fail(new SourceError(status === 404 ? 'E_NOT_FOUND' : 'E_HTTP', `${url}: HTTP ${status}`));
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > opts.maxBytes)
          return fail(
            new SourceError(
              'E_TOO_LARGE',
              `${url}: announces ${mb(declared)}, more than the ${mb(opts.maxBytes)} allowed`,
            ),
          );
        const body: Readable = res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res;
        const chunks: Buffer[] = [];
        let size = 0;
        body.on('data', (c: Buffer) => {
          size += c.length;
          if (size > opts.maxBytes)
            return fail(
              new SourceError('E_TOO_LARGE', `${url}: more than the ${mb(opts.maxBytes)} allowed; cut off`),
            );
          chunks.push(c);
        });
        const cut = (): void =>
          fail(new SourceError('E_NETWORK', `${url}: the answer broke off before its end`));
        body.on('error', cut);
        res.on('error', cut);
        res.on('close', () => {
          if (!res.complete) cut();
        });
        body.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          const buf = Buffer.concat(chunks);
          resolve({
            url,
            text: buf.toString('utf8'),
            bytes: buf.length,
            sha256: sha256(buf),
            fetchedAt: (opts.now?.() ?? new Date()).toISOString(),
          });
        });
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = NETWORK_CODES[err.code ?? ''] ?? 'E_NETWORK';
      const what =
        code === 'E_DNS' ? 'name not resolved' : code === 'E_OFFLINE' ? 'cannot connect' : 'network error';
      fail(new SourceError(code, `${url}: ${what} (${err.code ?? err.message})`));
    });
  });
}
