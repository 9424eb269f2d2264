// Turns one manifest case (test/fixtures/artifacts/manifest.yaml) into the Observation a
// probe or scan source would have produced from that capture.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { HttpExchange, Observation } from '../../../src/core/observation.js';
import { md5Hex, shodanFaviconHash } from '../../../src/fingerprint/favicon-hash.js';
import { repoRoot } from '../../helpers/cli.js';
import {
  parseApacheHeaderLines,
  parseNiktoHeaders,
  parseNmapPort,
  parseNucleiCapture,
  parsePowerShellHeaders,
  parseSmtpTranscript,
} from './capture-parsers.js';
import { baseObservation } from './example-observation.js';

export const artifactsDir = join(repoRoot, 'test', 'fixtures', 'artifacts');

export interface Expect {
  status: 'exchange' | 'suspect' | 'not-exchange';
  build?: string;
  precision?: 'full' | 'cu' | 'product';
  confidence?: 'high' | 'medium' | 'low';
  serverNames?: string[];
  /** Substring of one suspect reason. */
  reason?: string;
}

export interface Observe {
  kind:
    | 'html'
    | 'nuclei'
    | 'nikto'
    | 'nmap'
    | 'favicon'
    | 'smtp-transcript'
    | 'powershell-headers'
    | 'apache-headers';
  path?: string;
  status?: number;
  port?: number;
  headers?: Array<[string, string]>;
  /** Another fixture file used as the body (apache-headers). */
  body?: string;
  /** A second request for the favicon: served from a fixture file, or an error page body. */
  favicon?: { path: string; status: number; file?: string; body?: string };
}

export interface ManifestCase {
  name: string;
  observe: Observe;
  expect: Expect;
}
export interface ManifestEntry {
  file: string;
  cases?: ManifestCase[];
  lines?: Record<string, Expect>;
  reference?: boolean;
}

export function loadManifest(): ManifestEntry[] {
  const doc = parseYaml(readFileSync(join(artifactsDir, 'manifest.yaml'), 'utf8')) as {
    fixtures: ManifestEntry[];
  };
  return doc.fixtures;
}

const read = (file: string): string => readFileSync(join(artifactsDir, file), 'latin1');

function faviconExchange(path: string, status: number, bytes: Buffer): HttpExchange {
  return { path, status, headers: [], faviconMmh3: shodanFaviconHash(bytes), bodyMd5: md5Hex(bytes) };
}

export function caseObservation(file: string, o: Observe): Observation {
  const obs = baseObservation();
  obs.port = o.port ?? 443;
  const text = o.kind === 'favicon' ? '' : read(file);
  switch (o.kind) {
    case 'html':
      obs.http.push({ path: o.path ?? '/', status: o.status ?? 200, headers: o.headers ?? [], body: text });
      break;
    case 'nuclei': {
      const p = parseNucleiCapture(text);
      // nuclei prints the first request; `path` names the URL it reported when that differs.
      obs.http.push({ path: o.path ?? p.path, status: p.status, headers: p.headers, body: p.body });
      break;
    }
    case 'nikto':
      for (const [path, headers] of parseNiktoHeaders(text)) obs.http.push({ path, status: 0, headers });
      break;
    case 'nmap': {
      const p = parseNmapPort(text, obs.port);
      obs.tls = { names: p.names, ...(p.cn ? { subjectCN: p.cn } : {}) };
      if (p.server) obs.http.push({ path: '/', status: 0, headers: [['Server', p.server]] });
      break;
    }
    case 'favicon':
      obs.http.push(faviconExchange(o.path ?? '/favicon.ico', 200, readFileSync(join(artifactsDir, file))));
      break;
    case 'smtp-transcript':
      obs.banners = parseSmtpTranscript(text);
      break;
    case 'powershell-headers':
      obs.http.push({ path: o.path ?? '/', status: o.status ?? 0, headers: parsePowerShellHeaders(text) });
      break;
    case 'apache-headers':
      obs.http.push({
        path: o.path ?? '/',
        status: o.status ?? 200,
        headers: parseApacheHeaderLines(text),
        body: o.body ? read(o.body) : '',
      });
      break;
  }
  const f = o.favicon;
  if (f) {
    if (f.file) obs.http.push(faviconExchange(f.path, f.status, readFileSync(join(artifactsDir, f.file))));
    else
      obs.http.push({
        path: f.path,
        status: f.status,
        headers: [],
        ...(f.body ? { body: read(f.body) } : {}),
      });
  }
  return obs;
}

/** recog example lines: the banner kind comes from the recog file the example is in. */
export function recogObservation(ref: string, example: string): Observation {
  const obs = baseObservation();
  const file = ref.split(':')[0] ?? '';
  if (file.startsWith('smtp')) {
    obs.port = 25;
    obs.banners = { smtp: example };
  } else if (file.startsWith('imap')) {
    obs.port = 143;
    obs.banners = { imap: example };
  } else if (file.startsWith('pop')) {
    obs.port = 110;
    obs.banners = { pop: example };
  } else obs.http.push({ path: '/favicon.ico', status: 200, headers: [], bodyMd5: example });
  return obs;
}
