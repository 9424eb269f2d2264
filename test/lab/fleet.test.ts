// A live lab on loopback, checked with plain node clients against its own ground truth.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { Agent } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { startLab, type GroundTruthHost, type Lab } from '../../src/lab/index.js';
import { decodeNtlmChallenge } from '../../src/fingerprint/ntlm-challenge.js';
import { fetchOnce, header, tcpConnect, type Reply } from './http-client.js';

const PORTS = { https: 28443, http: 28080, smtp: 28025 };
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let lab: Lab;

before(async () => {
  lab = await startLab({
    seed: 2024,
    count: 48,
    base: '127.77.0.1',
    httpsPort: PORTS.https,
    httpPort: PORTS.http,
    smtpPort: PORTS.smtp,
  });
});
after(async () => lab.stop());

const hosts = (pred: (h: GroundTruthHost) => boolean): GroundTruthHost[] => lab.hosts.filter(pred);
const get = (
  h: GroundTruthHost,
  path: string,
  opts: { agent?: Agent; tls?: boolean; headers?: Record<string, string> } = {},
): Promise<Reply> =>
  fetchOnce(h.ip, h.port, path, {
    tls: opts.tls ?? h.exposes.tls,
    ...(opts.agent ? { agent: opts.agent } : {}),
    ...(opts.headers ? { headers: opts.headers } : {}),
  });

/** A reference reader: what the probe plan of fingerprinting.md §6 reads from these responses. */
async function readBuild(
  h: GroundTruthHost,
): Promise<{ build?: string; precision: string; manifest?: string }> {
  const ews = await get(h, '/EWS/Exchange.asmx');
  const logon = await get(h, '/owa/auth/logon.aspx');
  const auto = await get(h, '/autodiscover/autodiscover.xml');
  const ecp = await get(h, '/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application');
  const manifest = /name="microsoft\.exchange\.ediscovery\.exporttool" version="([\d.]+)"/.exec(
    ecp.body.toString(),
  )?.[1];
  const headerBuild = [ews, logon, auto].flatMap((r) => header(r, 'X-OWA-Version'))[0];
  if (headerBuild) return { build: headerBuild, precision: 'full', ...(manifest ? { manifest } : {}) };
  const path = /\/owa\/(?:auth\/)?(\d+\.\d+\.\d+(?:\.\d+)?)\/(?:themes|scripts)\//.exec(
    logon.body.toString(),
  )?.[1];
  if (path && path.split('.').length === 4) return { build: path, precision: 'full' };
  if (path) return { build: path, precision: 'cu', ...(manifest ? { manifest } : {}) };
  if (manifest) return { build: manifest.split('.').slice(0, 3).join('.'), precision: 'cu', manifest };
  return { precision: 'product' };
}

test('every Exchange host yields exactly the build and precision its ground truth promises', async () => {
  const exchange = hosts((h) => h.kind === 'exchange');
  assert.ok(exchange.length >= 15);
  for (const h of exchange) {
    const got = await readBuild(h);
    assert.equal(got.precision, h.expected.precision, `${h.ip} ${h.profile} ${h.build}`);
    assert.equal(got.build, h.expected.build, `${h.ip} ${h.profile} ${h.build}`);
    if (h.expected.precision === 'cu') assert.equal(got.manifest, h.expected.lowerBound, `${h.ip} manifest`);
    if (got.manifest)
      assert.equal(
        got.manifest.split('.').slice(0, 3).join('.'),
        h.build?.split('.').slice(0, 3).join('.'),
        'manifest is on the CU line',
      );
  }
});

test('X-OWA-Version is present on EWS/autodiscover iff the truth says so, and request-id is a GUID', async () => {
  for (const h of hosts((x) => x.kind === 'exchange' && Number(x.build?.split('.')[0]) === 15)) {
    const ews = await get(h, '/EWS/Exchange.asmx');
    if (h.exposes.endpoints.includes('ews')) {
      assert.equal(ews.status, 401);
      assert.deepEqual(
        header(ews, 'X-OWA-Version'),
        h.exposes.owaVersionHeaderOn.includes('ews') ? [h.build] : [],
      );
      assert.deepEqual(header(ews, 'X-FEServer'), [h.exposes.serverName]);
      assert.match(header(ews, 'request-id')[0] ?? '', GUID);
      assert.deepEqual(header(ews, 'WWW-Authenticate'), ['Negotiate', 'NTLM']);
    } else {
      assert.ok(ews.status === 403 || ews.status === 404, `${h.profile} EWS ${ews.status}`);
      assert.deepEqual(header(ews, 'X-OWA-Version'), []);
    }
    const auto = await get(h, '/autodiscover/autodiscover.xml');
    if (h.exposes.endpoints.includes('autodiscover')) {
      assert.equal(auto.status, 401);
      assert.deepEqual(header(auto, 'x-oauth-enabled'), ['True']);
      assert.deepEqual(
        header(auto, 'X-OWA-Version'),
        h.exposes.owaVersionHeaderOn.includes('autodiscover') ? [h.build] : [],
      );
    }
  }
});

test('OWA redirects to the logon page, which names the CU and serves the real favicon there', async () => {
  for (const h of hosts((x) => x.kind === 'exchange' && x.exposes.endpoints.includes('owa'))) {
    const owa = await get(h, '/owa/');
    assert.equal(owa.status, 302);
    assert.match(header(owa, 'Location')[0] ?? '', /\/owa\/auth\/logon\.aspx\?url=.*&reason=0$/);
    const logon = await get(h, '/owa/auth/logon.aspx');
    assert.equal(logon.status, 200);
    assert.match(logon.body.toString(), /OwaPage = ASP\.auth_logon_aspx/);
    const major = Number(h.build?.split('.')[0]);
    const server = header(logon, 'Server')[0] ?? '';
    // A front rewrites Server: nginx puts its own, the BIG-IP profile removes it.
    if (h.exposes.front === 'nginx') assert.equal(server, 'nginx/1.24.0');
    else if (h.exposes.front === 'big-ip') assert.equal(server, '');
    else
      assert.match(
        server,
        major >= 15 ? /^Microsoft-IIS\/(8\.5|10\.0)$/ : /^Microsoft-IIS\/(6\.0|7\.0|7\.5|8\.0)$/,
      );
    if (major >= 15) {
      const cu = h.build?.split('.').slice(0, 3).join('.');
      const ico = await get(h, `/owa/auth/${cu}/themes/resources/favicon.ico`);
      assert.equal(ico.status, 200);
      assert.equal(createHash('md5').update(ico.body).digest('hex'), '759fade9033aa298629e4b000dcd6dde');
    }
  }
});

test('TLS: ECDSA certificate with the internal host name; one connection serves several requests', async () => {
  const h = hosts((x) => x.kind === 'exchange' && x.exposes.tls)[0];
  assert.ok(h);
  const sock = tlsConnect({ host: h.ip, port: h.port, rejectUnauthorized: false });
  await new Promise((r) => sock.once('secureConnect', r));
  const cert = sock.getPeerX509Certificate();
  sock.destroy();
  assert.equal(cert?.publicKey.asymmetricKeyType, 'ec');
  assert.match(cert?.subject ?? '', new RegExp(`CN=${h.exposes.serverName}`));
  const agent = new Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: false });
  let connects = 0;
  const origCreate = agent.createConnection.bind(agent);
  agent.createConnection = ((...args: Parameters<typeof origCreate>) => {
    connects++;
    return origCreate(...args);
  }) as typeof agent.createConnection;
  for (const path of ['/EWS/Exchange.asmx', '/owa/auth/logon.aspx', '/autodiscover/autodiscover.xml'])
    await get(h, path, { agent });
  agent.destroy();
  assert.equal(connects, 1);
});

test('Exchange hosts answer an anonymous NTLM NEGOTIATE with a CHALLENGE naming them; fronts add their headers', async () => {
  const negotiate = 'NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==';
  for (const h of hosts((x) => x.kind === 'exchange' && x.exposes.endpoints.includes('ews')).slice(0, 6)) {
    const plain = await get(h, '/EWS/Exchange.asmx');
    assert.deepEqual(header(plain, 'WWW-Authenticate'), ['Negotiate', 'NTLM']);
    const r = await get(h, '/EWS/Exchange.asmx', { headers: { Authorization: negotiate } });
    assert.equal(r.status, 401);
    const [challenge] = header(r, 'WWW-Authenticate');
    const info = decodeNtlmChallenge((challenge ?? '').replace(/^NTLM /, ''), 'lab');
    assert.equal(info?.windowsVersion, h.exposes.windowsVersion);
    assert.equal(info?.netbiosComputer, h.exposes.serverName?.toUpperCase().slice(0, 15));
  }
  for (const h of hosts((x) => x.exposes.front === 'big-ip')) {
    const r = await get(h, '/owa/auth/logon.aspx');
    assert.match(header(r, 'Set-Cookie')[0] ?? '', /^BIGipServer/);
    const blocked = await get(h, '/nothing-published-here');
    assert.equal(header(blocked, 'Server')[0], 'BigIP');
  }
  for (const h of hosts((x) => x.exposes.front === 'nginx')) {
    const r = await get(h, '/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application');
    assert.equal(r.status, 404);
    assert.match(r.body.toString(), /<hr><center>nginx/);
  }
});

test('look-alikes answer like their originals', async () => {
  for (const h of hosts((x) => x.kind === 'lookalike')) {
    const ews = await get(h, '/EWS/Exchange.asmx');
    const logon = await get(h, '/owa/auth/logon.aspx');
    switch (h.profile) {
      case 'iis-plain':
        assert.equal(ews.status, 401);
        assert.deepEqual(header(ews, 'X-OWA-Version'), []);
        assert.equal(logon.status, 404);
        break;
      case 'nginx':
        assert.equal(header(ews, 'Server')[0], 'nginx/1.24.0');
        break;
      case 'honeypot-gunicorn': {
        assert.equal(header(logon, 'Server')[0], 'gunicorn');
        assert.match(logon.body.toString(), new RegExp(`/owa/auth/${h.exposes.claimedBuild}/themes/`));
        assert.deepEqual(header(logon, 'request-id'), []);
        const ico = await get(h, `/owa/auth/${h.exposes.claimedBuild}/themes/resources/favicon.ico`);
        assert.equal(ico.status, 404);
        break;
      }
      case 'honeypot-apache':
        assert.equal(header(logon, 'Server')[0], 'Apache');
        assert.doesNotMatch(header(logon, 'request-id')[0] ?? '', GUID);
        break;
      case 'honeypot-nginx':
        assert.equal(header(logon, 'Server')[0], 'nginx/1.24.0');
        assert.ok(header(logon, 'Via').length > 0);
        assert.doesNotMatch(header(logon, 'request-id')[0] ?? '', GUID);
        break;
      case 'exchange-online':
        assert.deepEqual(header(ews, 'X-OWA-Version'), [h.exposes.claimedBuild]);
        assert.match(h.exposes.claimedBuild ?? '', /^15\.20\./);
        assert.match(header(ews, 'X-CalculatedBETarget')[0] ?? '', /\.PROD\.OUTLOOK\.COM$/);
        break;
      default:
        assert.fail(`unexpected look-alike ${h.profile}`);
    }
  }
});

test('HTTP-only hosts speak plain HTTP on the main port; Exchange hosts also on --http-port', async () => {
  const plain = hosts((x) => x.profile === 'exchange-http-only')[0];
  assert.ok(plain);
  assert.equal((await fetchOnce(plain.ip, plain.port, '/EWS/Exchange.asmx', { tls: false })).status, 401);
  await assert.rejects(fetchOnce(plain.ip, plain.port, '/', { tls: true }));
  const ex = hosts((x) => x.profile === 'exchange')[0];
  assert.ok(ex);
  const viaHttp = await fetchOnce(ex.ip, PORTS.http, '/owa/', { tls: false });
  assert.match(header(viaHttp, 'Location')[0] ?? '', /^http:\/\//);
});

test('SMTP: Exchange greeting and EHLO; IIS SMTP look-alike banner', async () => {
  const talk = async (ip: string): Promise<string> => {
    const s = await tcpConnect(ip, PORTS.smtp);
    let text = '';
    s.on('data', (c: Buffer) => (text += c.toString('latin1')));
    s.write('EHLO excensus.invalid\r\nQUIT\r\n');
    await new Promise((r) => s.once('close', r));
    return text;
  };
  const ex = hosts((x) => x.kind === 'exchange' && x.exposes.smtp)[0];
  assert.ok(ex);
  const t = await talk(ex.ip);
  assert.match(
    t,
    /^220 \S+\.\S+ Microsoft ESMTP MAIL Service ready at \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}\r\n/,
  );
  assert.match(t, /250-X-ANONYMOUSTLS\r\n/);
  assert.match(t, /250 XRDST\r\n221 2\.0\.0 /);
  const iis = hosts((x) => x.profile === 'iis-plain' && x.exposes.smtp)[0];
  if (iis)
    assert.match(await talk(iis.ip), /Microsoft ESMTP MAIL Service, Version: 10\.0\.17763\.1 ready at/);
  const noSmtp = hosts((x) => x.kind === 'exchange' && !x.exposes.smtp)[0];
  if (noSmtp) await assert.rejects(tcpConnect(noSmtp.ip, PORTS.smtp), /ECONNREFUSED/);
});

/** Local addresses of this process's listening TCP sockets (from /proc, by socket inode). */
function ownListeners(): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      // fd closed meanwhile
    }
  }
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === '0A' && f[9] && inodes.has(f[9])) out.push(f[1] ?? '');
    }
  }
  return out;
}

test('nothing listens outside loopback', () => {
  const listeners = ownListeners();
  assert.ok(listeners.length >= lab.hosts.filter((h) => h.kind !== 'closed').length);
  for (const l of listeners) {
    const hex = l.split(':')[0] ?? '';
    assert.equal(hex.length, 8, `IPv6 listener ${l}`);
    assert.equal(hex.slice(6, 8), '7F', `non-loopback listener ${l}`); // little-endian: first octet last
  }
});

test('stop() frees every port', async () => {
  await lab.stop();
  assert.equal(ownListeners().length, 0);
  for (const h of lab.hosts.filter((x) => x.kind !== 'closed')) {
    for (const port of [PORTS.https, PORTS.smtp]) {
      const s = createServer();
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen({ host: h.ip, port, exclusive: true }, () => resolve());
      });
      await new Promise((r) => s.close(r));
    }
  }
});
