// `excensus serve`: node:http, a route table, the security gate, static assets from the package.
// Handlers only read (the store they get refuses writes); bad parameters are 400s, missing
// scans 404s, and anything else a 500 with no detail sent (the detail goes to the log).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { readOnlyStore, type ShardWatch, type Store } from '../run/index.js';
import { ConfigError } from '../core/errors.js';
import { packagePath } from '../core/data-dir.js';
import { esc } from '../report/html/escape.js';
import {
  apiBundle,
  apiCensus,
  apiDiff,
  apiHost,
  apiHosts,
  apiHostsCsv,
  apiScans,
  apiTrend,
  json,
} from './api.js';
import type { Ctx, Reply, Whole } from './context.js';
import { BadRequest } from './params.js';
import {
  admitted,
  COOKIE,
  loopbackNames,
  safeNext,
  sameSecret,
  sessionValue,
  setSecurityHeaders,
  type Gate,
} from './security.js';
import { overviewPage } from './pages/overview.js';
import { hostPage, hostsListPage } from './pages/hosts.js';
import { buildsPage, networksPage } from './pages/census-pages.js';
import { diffPage, scansPage, trendPage } from './pages/time-pages.js';

/** A scan that is not there, or has nothing to show: the user's question, not the server's fault. */
const NOT_FOUND = new Set(['E_NO_SCAN', 'E_NO_SCANS', 'E_NO_COMPLETE_SCAN', 'E_EMPTY_SCAN']);

const html = (body: string, status = 200): Whole => ({ status, type: 'text/html; charset=utf-8', body });

const ROUTES: Record<string, (c: Ctx) => Promise<Reply>> = {
  '/': async (c) => html(await overviewPage(c)),
  '/hosts': async (c) => html(await hostsListPage(c)),
  '/host': async (c) => {
    const r = await hostPage(c);
    return html(r.html, r.status);
  },
  '/builds': async (c) => html(await buildsPage(c)),
  '/networks': async (c) => html(await networksPage(c)),
  '/trend': async (c) => html(await trendPage(c)),
  '/diff': async (c) => html(await diffPage(c)),
  '/scans': async (c) => html(await scansPage(c)),
  '/api/census': apiCensus,
  '/api/hosts': apiHosts,
  '/api/hosts.csv': apiHostsCsv,
  '/api/host': apiHost,
  '/api/scans': apiScans,
  '/api/trend': apiTrend,
  '/api/diff': apiDiff,
  '/api/bundle': apiBundle,
};

const ASSETS: Record<string, string> = {
  '/assets/app.js': 'text/javascript; charset=utf-8',
  '/assets/app.css': 'text/css; charset=utf-8',
  '/assets/favicon.svg': 'image/svg+xml',
};

function readAsset(path: string): Buffer {
  const file = packagePath('assets', 'dashboard', path.slice('/assets/'.length));
  if (!file) throw new Error(`asset ${path} is missing from the package`);
  return readFileSync(file);
}

export interface ServeOptions {
  store: Store;
  host: string;
  port: number;
  /** Required unless `host` is a loopback address. */
  token: string | null;
  /** Today's date, the default as-of (the CLI reads the clock). */
  today: () => string;
  /** Where failures are logged (never sent to the client). */
  log: (line: string) => void;
  /** Shard progress of distributed scans (a PostgreSQL store's; none without). */
  shards?: ShardWatch;
}

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

function loginPage(next: string, failed: boolean): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in · exchange-census</title><link rel="stylesheet" href="/assets/app.css"></head><body><main>
<h1>exchange-census</h1>${failed ? '<p class="error">That token is not right.</p>' : ''}
<form method="post" action="/login"><input type="hidden" name="next" value="${esc(next)}">
<label>Token <input type="password" name="token" autocomplete="current-password" autofocus></label>
<button type="submit">Log in</button></form></main></body></html>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 8192) throw new BadRequest('form too large');
  }
  return new URLSearchParams(body);
}

function send(res: ServerResponse, r: Whole): void {
  res.statusCode = r.status;
  res.setHeader('Content-Type', r.type);
  res.setHeader('Cache-Control', 'no-store');
  for (const [k, v] of Object.entries(r.headers ?? {})) res.setHeader(k, v);
  res.end(r.body);
}

/** Starts the server; resolves once it listens. */
export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const store = readOnlyStore(o.store);
  const gate: Gate = { token: o.token, key: randomBytes(32), hostNames: new Set() };
  const assets = new Map(Object.keys(ASSETS).map((p) => [p, readAsset(p)]));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(res);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const isApi = path.startsWith('/api/');
    if (path === '/login' && gate.token !== null) {
      if (req.method === 'POST') {
        const form = await readForm(req);
        const next = safeNext(form.get('next'));
        if (sameSecret(form.get('token') ?? '', gate.token, gate.key)) {
          res.setHeader(
            'Set-Cookie',
            `${COOKIE}=${sessionValue(gate.token, gate.key)}; HttpOnly; SameSite=Strict; Path=/`,
          );
          res.writeHead(303, { Location: next }).end();
        } else send(res, html(loginPage(next, true), 401));
        return;
      }
      send(res, html(loginPage(safeNext(url.searchParams.get('next')), false)));
      return;
    }
    if (path === '/logout') {
      res.setHeader('Set-Cookie', `${COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
      res.writeHead(303, { Location: gate.token !== null ? '/login' : '/' }).end();
      return;
    }
    if (!admitted(req, gate)) {
      if (gate.token === null) send(res, json({ error: 'unknown Host name for a loopback server' }, 421));
      else if (isApi || req.method !== 'GET') send(res, json({ error: 'a token is needed' }, 401));
      else res.writeHead(303, { Location: `/login?next=${encodeURIComponent(path + url.search)}` }).end();
      return;
    }
    const asset = assets.get(path === '/favicon.ico' ? '/assets/favicon.svg' : path);
    if (asset) {
      const type = ASSETS[path] ?? 'image/svg+xml';
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'max-age=300' }).end(asset);
      return;
    }
    const route = ROUTES[path];
    if (!route)
      return send(res, isApi ? json({ error: 'no such API' }, 404) : html('<p>Not found.</p>', 404));
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, json({ error: 'GET only' }, 405));
    const ctx: Ctx = {
      store,
      url,
      params: url.searchParams,
      today: o.today(),
      res,
      guarded: gate.token !== null,
      shards: () => o.shards?.states() ?? Promise.resolve([]),
    };
    try {
      const reply = await route(ctx);
      if (reply !== 'streamed') send(res, reply);
    } catch (err) {
      const status =
        err instanceof BadRequest ? 400 : err instanceof ConfigError && NOT_FOUND.has(err.code) ? 404 : 500;
      if (status === 500)
        o.log(`excensus serve: ${req.method} ${path}: ${(err as Error).stack ?? String(err)}`);
      const message = status === 500 ? 'internal error (see the server log)' : (err as Error).message;
      if (res.headersSent) res.destroy();
      else if (isApi) send(res, json({ error: message }, status));
      else
        send(
          res,
          html(
            `<!doctype html><meta charset="utf-8"><title>Error</title><link rel="stylesheet" href="/assets/app.css"><main><h1>${status === 400 ? 'Bad request' : status === 404 ? 'Not found' : 'Error'}</h1><p>${esc(message)}</p><p><a href="/">Overview</a></p></main>`,
            status,
          ),
        );
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      o.log(`excensus serve: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent)
        send(
          res,
          json(
            { error: err instanceof BadRequest ? err.message : 'internal error' },
            err instanceof BadRequest ? 400 : 500,
          ),
        );
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  if (gate.token === null) for (const n of loopbackNames(port)) gate.hostNames.add(n);
  const shown = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    server,
    url: `http://${shown}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
