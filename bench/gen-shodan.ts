// Writes a large synthetic Shodan-style NDJSON file (what `shodan download` holds, unzipped):
// ~4 KB banners with raw headers in `data` and HTML in `http.html`; a share of them (5% by default)
// are Exchange OWA pages with varied builds, the rest assorted IIS / nginx / Apache pages.
// Deterministic from the seed. With `--owa logon` the Exchange records are the OWA logon answer as
// Shodan keeps it for an Exchange query (request-id, X-OWA-Version, the OwaPage and GUID comments,
// the start of the page's styles: ~4.5 KB lines); the default short page keeps today's 5% file.
// Usage: node --import tsx bench/gen-shodan.ts OUT.jsonl [records=1000000] [seed=1] [--exchange 0.05] [--owa short|logon]
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { makeRng } from '../src/lab/rng.js';

/** Seeded PRNG shared with the lab (mulberry32): same seed, same file. */
export const rng = makeRng;

// Real Exchange builds (4-part, from the Microsoft build table in data/builds.json) across products.
const BUILDS = [
  '15.2.1544.4',
  '15.2.1258.28',
  '15.2.1118.40',
  '15.2.986.42',
  '15.1.2507.6',
  '15.1.2507.39',
  '15.1.2375.37',
  '15.1.2308.27',
  '15.0.1497.48',
  '15.0.1497.2',
  '15.0.1473.6',
  '14.3.513.0',
  '15.2.2562.17',
];
const COUNTRIES: Array<[string, string, number, string]> = [
  ['US', 'Ashburn', 14618, 'Amazon.com, Inc.'],
  ['DE', 'Frankfurt am Main', 3320, 'Deutsche Telekom AG'],
  ['FR', 'Paris', 16276, 'OVH SAS'],
  ['GB', 'London', 2856, 'British Telecommunications PLC'],
  ['NL', 'Amsterdam', 1136, 'KPN B.V.'],
  ['JP', 'Tokyo', 2516, 'KDDI CORPORATION'],
  ['BR', 'Sao Paulo', 28573, 'Claro S.A.'],
  ['IN', 'Mumbai', 9829, 'National Internet Backbone'],
  ['AU', 'Sydney', 1221, 'Telstra Limited'],
  ['CN', 'Beijing', 4134, 'Chinanet'],
  ['RU', 'Moscow', 12389, 'Rostelecom'],
  ['ZA', 'Johannesburg', 3741, 'Internet Solutions'],
  ['IT', 'Milan', 3269, 'Telecom Italia'],
  ['ES', 'Madrid', 3352, 'Telefonica de Espana'],
  ['CA', 'Toronto', 812, 'Rogers Communications'],
];
const SERVERS = [
  'Microsoft-IIS/10.0',
  'Microsoft-IIS/8.5',
  'nginx/1.24.0',
  'nginx/1.18.0',
  'Apache/2.4.57 (Debian)',
  'Apache/2.4.41 (Ubuntu)',
];
const WORDS =
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo consequat'.split(
    ' ',
  );

function hex(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ((r() * 16) | 0).toString(16);
  return s;
}
function guid(r: () => number): string {
  return `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;
}
function prose(r: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[(r() * WORDS.length) | 0]!);
  return out.join(' ');
}

export interface GeneratedRecord {
  line: string;
  exchange: boolean;
  country: string;
  build?: string;
}

/** What a generated file holds: the share of Exchange records and the page they answer with. */
export interface GenerateOptions {
  /** Share of Exchange records, 0..1 (default 0.05). */
  exchange?: number;
  /** short: a compact OWA page (today's default file); logon: the OWA logon answer of a Shodan Exchange query. */
  owa?: 'short' | 'logon';
}

/** The OWA logon answer's head as Shodan keeps it (the page is cut short): its comments and the start of its styles. */
function owaLogonHtml(r: () => number, cu: string): string {
  const res = `/owa/auth/${cu}/themes/resources`;
  const fonts = ['regular', 'semilight', 'semibold']
    .map(
      (w) =>
        `@font-face {\n    font-family: "wf_segoe-ui_${w}";\n    src: url("${res}/segoeui-${w}.eot?#iefix") format("embedded-opentype"),\n            url("${res}/segoeui-${w}.ttf") format("truetype");\n}\n`,
    )
    .join('\n');
  const rules = [
    'mouse',
    'twide',
    'tnarrow',
    'sidebar',
    'owaLogoContainer',
    'logonDiv',
    'logonContainer',
    'signInInputLabel',
    'signinbutton',
    'hiddenSubmit',
    'signInEnter',
  ]
    .map(
      (c) =>
        `.${c}\n{\n    padding-top: ${(r() * 200) | 0}px;\n    margin: ${(r() * 40) | 0}px auto;\n    text-align:left;\n}\n`,
    )
    .join('\n');
  return (
    `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n<!-- Copyright (c) 2011 Microsoft Corporation.  All rights reserved. -->\n<!-- OwaPage = ASP.auth_logon_aspx -->\n\n<!-- {57A118C6-2DA9-419d-BE9A-F92B0F9A418B} -->\n<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN"> \n<html>\n<head>\n` +
    `<meta http-equiv="X-UA-Compatible" content="IE=10" />\n<link rel="shortcut icon" href="${res}/favicon.ico" type="image/x-icon">\n<meta http-equiv="Content-Type" content="text/html; CHARSET=utf-8">\n<meta name="Robots" content="NOINDEX, NOFOLLOW">\n<title>Outlook</title>\n` +
    `<style>\n${fonts}</style>\n<style>/*Copyright (c) 2003-2006 Microsoft Corporation.  All rights reserved.*/\n\nbody.rtl \n{\n\ttext-align:right;\n\tdirection:rtl;\n}\n\n${rules}`
  );
}

export function generateRecord(r: () => number, i: number, opts: GenerateOptions = {}): GeneratedRecord {
  const [country, city, asn, org] = COUNTRIES[(r() * COUNTRIES.length) | 0]!;
  const exchange = r() < (opts.exchange ?? 0.05);
  const ip = `${11 + ((r() * 200) | 0)}.${(r() * 256) | 0}.${(r() * 256) | 0}.${1 + ((r() * 254) | 0)}`;
  const port = exchange || r() < 0.6 ? 443 : 80;
  const day = 1 + (i % 28);
  const timestamp = `2023-11-${String(day).padStart(2, '0')}T${String((r() * 24) | 0).padStart(2, '0')}:${String((r() * 60) | 0).padStart(2, '0')}:00.${hex(r, 6).replace(/[a-f]/g, '7')}`;
  let data: string;
  let html: string;
  let title: string;
  let build: string | undefined;
  if (exchange) {
    build = BUILDS[(r() * BUILDS.length) | 0]!;
    const cu = build.split('.').slice(0, 3).join('.');
    data = `HTTP/1.1 200 OK\r\nCache-Control: no-cache, no-store\r\nPragma: no-cache\r\nContent-Type: text/html; charset=utf-8\r\nServer: Microsoft-IIS/10.0\r\nrequest-id: ${guid(r)}\r\nX-OWA-Version: ${build}\r\nX-FEServer: EXCH${(r() * 20) | 0}\r\nX-Powered-By: ASP.NET\r\nX-FEProxyInfo: EXCH.corp.local\r\nDate: Mon, 20 Nov 2023 10:00:00 GMT\r\nContent-Length: 4021\r\n\r\n`;
    title = 'Outlook';
    if (opts.owa === 'logon') {
      data = `HTTP/1.1 200 OK\r\nCache-Control: no-cache, no-store\r\nPragma: no-cache\r\nContent-Type: text/html; charset=utf-8\r\nServer: Microsoft-IIS/10.0\r\nrequest-id: ${guid(r)}\r\nX-OWA-Version: ${build}\r\nX-Frame-Options: SAMEORIGIN\r\nX-FEServer: EXCH${(r() * 20) | 0}\r\nX-Powered-By: ASP.NET\r\nX-FEProxyInfo: EXCH.corp.local\r\nX-FEEFZInfo: ${hex(r, 3).toUpperCase()}\r\nDate: Mon, 20 Nov 2023 10:00:00 GMT\r\nContent-Length: ${58000 + ((r() * 1000) | 0)}\r\n\r\n`;
      html = owaLogonHtml(r, cu);
    } else
      html = `<!DOCTYPE html><html><head><meta http-equiv="X-UA-Compatible" content="IE=10"><link rel="shortcut icon" href="/owa/auth/${cu}/themes/resources/favicon.ico" type="image/x-icon"><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><title>Outlook</title><link type="text/css" rel="stylesheet" href="/owa/auth/${cu}/themes/resources/owafont_en.css"><script type="text/javascript">function IsOwaPremiumBrowser(){return true;}var a_sLgn="logon";</script></head><body class="signInBg"><form action="/owa/auth.owa" method="POST" name="logonForm"><input type="hidden" name="destination" value="https://mail/owa/"><input type="hidden" name="flags" value="4"><div class="signInInputLabel">Domain\\user name:</div><input id="username" name="username" type="text"><input id="password" name="password" type="password"><div class="signinbutton">sign in</div></form><!-- ${prose(r, 40)} --></body></html>`;
  } else {
    const server = SERVERS[(r() * SERVERS.length) | 0]!;
    data = `HTTP/1.1 200 OK\r\nServer: ${server}\r\nContent-Type: text/html; charset=UTF-8\r\nDate: Mon, 20 Nov 2023 10:00:00 GMT\r\nLast-Modified: Tue, 14 Nov 2023 08:00:00 GMT\r\nETag: "${hex(r, 12)}"\r\nAccept-Ranges: bytes\r\nVary: Accept-Encoding\r\nContent-Length: ${1500 + ((r() * 2000) | 0)}\r\n\r\n`;
    title = server.startsWith('Microsoft')
      ? 'IIS Windows Server'
      : server.startsWith('nginx')
        ? 'Welcome to nginx!'
        : 'Apache2 Default Page: It works';
    html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title><style>body{font-family:Tahoma,Verdana,Arial,sans-serif;margin:0 auto;width:35em}</style></head><body><h1>${title}</h1><p>${prose(r, 250 + ((r() * 120) | 0))}</p></body></html>`;
  }
  const rec: Record<string, unknown> = {
    _shodan: {
      crawler: hex(r, 40),
      id: guid(r),
      module: port === 443 ? 'https' : 'http',
      options: {},
      ptr: true,
    },
    asn: `AS${asn}`,
    data,
    domains: [`example${i % 997}.com`],
    hash: (r() * 4294967296) | 0,
    hostnames: [`host-${ip.replace(/\./g, '-')}.example${i % 997}.com`],
    http: {
      host: ip,
      html,
      html_hash: (r() * 4294967296) | 0,
      location: '/',
      redirects: [],
      robots: null,
      robots_hash: null,
      securitytxt: null,
      securitytxt_hash: null,
      server: null,
      sitemap: null,
      sitemap_hash: null,
      title,
    },
    ip: 0,
    ip_str: ip,
    isp: org,
    location: {
      area_code: null,
      city,
      country_code: country,
      country_code3: null,
      country_name: null,
      dma_code: null,
      latitude: 0,
      longitude: 0,
      postal_code: null,
      region_code: null,
    },
    org,
    os: null,
    port,
    timestamp,
    transport: 'tcp',
  };
  if (port === 443) {
    rec.ssl = {
      cert: {
        expired: false,
        expires: '20250101000000Z',
        fingerprint: { sha1: hex(r, 40), sha256: hex(r, 64) },
        issued: '20230101000000Z',
        issuer: { C: 'US', CN: 'R3', O: "Let's Encrypt" },
        serial: r() * 1e30,
        sig_alg: 'sha256WithRSAEncryption',
        subject: { CN: `host${i % 997}.example.com` },
        version: 2,
      },
      cipher: { bits: 256, name: 'ECDHE-RSA-AES256-GCM-SHA384', version: 'TLSv1.2' },
      versions: ['TLSv1.2', '-TLSv1.1'],
      jarm: hex(r, 62),
    };
  }
  return { line: JSON.stringify(rec), exchange, country, ...(build ? { build } : {}) };
}

export async function generateShodanFile(
  path: string,
  records: number,
  seed = 1,
  opts: GenerateOptions = {},
): Promise<{ bytes: number; exchange: number }> {
  const r = rng(seed);
  const out = createWriteStream(path);
  let bytes = 0;
  let exchange = 0;
  let buf: string[] = [];
  for (let i = 0; i < records; i++) {
    const g = generateRecord(r, i, opts);
    if (g.exchange) exchange++;
    buf.push(g.line);
    if (buf.length === 1000 || i === records - 1) {
      const chunk = buf.join('\n') + '\n';
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
      buf = [];
    }
  }
  out.end();
  await once(out, 'finish');
  return { bytes, exchange };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const k = argv.indexOf(`--${name}`);
    return k >= 0 ? argv.splice(k, 2)[1] : undefined;
  };
  const share = flag('exchange');
  const owa = flag('owa');
  const [path, n = '1000000', seed = '1'] = argv;
  const opts: GenerateOptions = {
    ...(share !== undefined ? { exchange: Number(share) } : {}),
    ...(owa === 'logon' ? { owa: 'logon' as const } : {}),
  };
  if (!path) {
    process.stderr.write('usage: gen-shodan.ts OUT.jsonl [records] [seed]\n');
    process.exit(2);
  }
  const t0 = performance.now();
  const { bytes, exchange } = await generateShodanFile(path, Number(n), Number(seed), opts);
  process.stdout.write(
    `wrote ${n} records (${exchange} Exchange), ${(bytes / 1e6).toFixed(1)} MB to ${path} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );
}
