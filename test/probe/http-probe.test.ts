import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { repoRoot } from '../helpers/cli.js';
import type { Observation } from '../../src/core/observation.js';
import { probeTarget } from '../../src/probe/scan-engine.js';
import { loadProbePlan } from '../../src/probe/probe-plan.js';
import { CERT_NAMES, startHttpServer } from './helpers/servers.js';
import { testScanOptions } from './helpers/scan-opts.js';

const IP = '127.61.0.1';
// The real OWA favicon (artifact A12, copied into the lab templates).
const FAVICON = readFileSync(`${repoRoot}data/lab/templates/owa-favicon.ico`);

/** An Exchange 2016 CU23 front end without X-OWA-Version (stripped): every stage of the plan runs. */
function strippedExchange(closeEach: boolean) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = (req.url ?? '').toLowerCase();
    if (closeEach) res.setHeader('Connection', 'close');
    res.setHeader('Server', 'Microsoft-IIS/10.0');
    res.setHeader('request-id', '6c1d8e2a-6a4e-4d47-9b5a-2f1e0c9d8b7a');
    if (url === '/ews/exchange.asmx' || url === '/autodiscover/autodiscover.xml') {
      res.writeHead(401, { 'WWW-Authenticate': 'NTLM', 'X-FEServer': 'EX2016-CAS1' }).end('');
    } else if (url === '/owa/') {
      res
        .writeHead(302, {
          Location: `https://${req.headers.host}/owa/auth/logon.aspx?url=https%3a%2f%2fx%2fowa%2f&reason=0`,
          'X-FEServer': 'EX2016-CAS1',
        })
        .end();
    } else if (url.startsWith('/owa/auth/logon.aspx')) {
      res
        .writeHead(200, { 'Content-Type': 'text/html' })
        .end(
          '<!-- {57A118C6-2DA9-419d-BE9A-F92B0F9A418B} --><!-- OwaPage = ASP.auth_logon_aspx --><link href="/owa/auth/15.1.2507/themes/resources/x.css"><title>Outlook</title>',
        );
    } else if (url === '/owa/auth/15.1.2507/themes/resources/favicon.ico') {
      res.writeHead(200, { 'Content-Type': 'image/x-icon' }).end(FAVICON);
    } else res.writeHead(404).end('not found');
  };
}

test('the whole plan runs over ONE kept-alive TLS connection; certificate names are recorded', async () => {
  const srv = await startHttpServer(IP, true, strippedExchange(false));
  try {
    const base = testScanOptions();
    let seen: Observation | undefined;
    const r = await probeTarget(
      { ip: IP, port: srv.port, protocol: 'https' },
      { ...base, judge: (o) => ((seen = o), base.judge(o)) },
    );
    assert.deepEqual(
      r.probes?.map((p) => `${p.request} ${p.status}`),
      [
        'GET /EWS/Exchange.asmx 401',
        'GET /owa/ 302',
        'GET /owa/auth/logon.aspx?url=https%3a%2f%2fx%2fowa%2f&reason=0 200',
        // no autodiscover: EWS already answered 401 without a version
        'GET /ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application 404',
        // NTLM offered on EWS by a host that looks like Exchange: one anonymous NEGOTIATE
        'GET /EWS/Exchange.asmx (ntlm-negotiate) 401',
        'GET /owa/auth/15.1.2507/themes/resources/favicon.ico 200',
      ],
    );
    assert.equal(srv.connections(), 1);
    assert.match(srv.requests[4]?.headers.authorization ?? '', /^NTLM TlRMTVNTUAAB/);
    assert.ok(srv.requests.filter((q) => q.headers.authorization).length === 1);
    assert.equal(r.status, 'exchange');
    assert.equal(r.evidence.build, '15.1.2507');
    assert.ok(
      r.evidence.signals.some((s) => s.value === '1768726119'),
      'favicon mmh3 recorded and matched',
    );
    // One Observation per ip:port holds every response and the certificate's names.
    assert.equal(seen?.http.length, 6);
    assert.deepEqual(seen?.tls?.names, CERT_NAMES);
    assert.equal(seen?.tls?.subjectCN, CERT_NAMES[0]);
    assert.equal(seen?.http[5]?.faviconMmh3, 1768726119);
    const ua = loadProbePlan().userAgent;
    for (const q of srv.requests) {
      assert.equal(q.headers['user-agent'], ua);
      assert.equal(q.headers.host, `${IP}:${srv.port}`);
    }
  } finally {
    await srv.close();
  }
});

test('a server that closes after each response gets a fresh connection per request', async () => {
  const srv = await startHttpServer(IP, true, strippedExchange(true));
  try {
    const r = await probeTarget({ ip: IP, port: srv.port, protocol: 'https' }, testScanOptions());
    assert.equal(r.probes?.length, 6);
    assert.equal(srv.connections(), 6);
    assert.equal(r.status, 'exchange');
  } finally {
    await srv.close();
  }
});

test('a full build in X-OWA-Version on the EWS 401 ends the plan after one request', async () => {
  const srv = await startHttpServer(IP, true, (_req, res) => {
    res
      .writeHead(401, {
        'X-OWA-Version': '15.2.1544.11',
        'WWW-Authenticate': 'Negotiate',
        'X-FEServer': 'EX19-N1',
        Server: 'Microsoft-IIS/10.0',
      })
      .end();
  });
  try {
    const r = await probeTarget({ ip: IP, port: srv.port, protocol: 'https' }, testScanOptions());
    assert.deepEqual(
      srv.requests.map((q) => q.url),
      ['/EWS/Exchange.asmx'],
    );
    assert.equal(r.status, 'exchange');
    assert.equal(r.evidence.build, '15.2.1544.11');
    assert.equal(r.evidence.precision, 'full');
  } finally {
    await srv.close();
  }
});

test('EWS blocked: autodiscover runs and its X-OWA-Version ends the plan', async () => {
  const srv = await startHttpServer(IP, true, (req, res) => {
    const url = (req.url ?? '').toLowerCase();
    res.setHeader('Server', 'Microsoft-IIS/10.0');
    if (url === '/ews/exchange.asmx') res.writeHead(403).end('forbidden');
    else if (url === '/autodiscover/autodiscover.xml')
      res
        .writeHead(401, {
          'X-OWA-Version': '15.1.2507.39',
          'WWW-Authenticate': 'NTLM',
          'X-FEServer': 'EX2016-CAS1',
        })
        .end();
    else strippedExchange(false)(req, res);
  });
  try {
    const r = await probeTarget({ ip: IP, port: srv.port, protocol: 'https' }, testScanOptions());
    assert.deepEqual(
      srv.requests.map((q) => q.url.split('?')[0]),
      [
        '/EWS/Exchange.asmx',
        '/owa/',
        '/owa/auth/logon.aspx',
        '/autodiscover/autodiscover.xml',
        // the build search ended; NTLM host info is asked where NTLM was offered
        '/autodiscover/autodiscover.xml',
      ],
    );
    assert.equal(r.evidence.build, '15.1.2507.39');
    assert.equal(r.evidence.precision, 'full');
  } finally {
    await srv.close();
  }
});

test('plain HTTP targets and an HTTPS port that speaks plain HTTP (fallback) both work', async () => {
  const handler = (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(401, { 'X-OWA-Version': '14.3.513.0', Server: 'Microsoft-IIS/7.5' }).end();
  };
  const srv = await startHttpServer(IP, false, handler);
  try {
    const plain = await probeTarget({ ip: IP, port: srv.port, protocol: 'http' }, testScanOptions());
    assert.equal(plain.status, 'exchange');
    const fallback = await probeTarget({ ip: IP, port: srv.port, protocol: 'https' }, testScanOptions());
    assert.equal(fallback.status, 'exchange');
    assert.equal(fallback.evidence.build, '14.3.513.0');
    assert.match(fallback.probes?.[0]?.error ?? '', /tls-error/);
  } finally {
    await srv.close();
  }
});

test('non-intrusive by construction: only GET, only plan paths and same-origin redirects', async () => {
  const plan = loadProbePlan();
  // A server that tries to lure the scanner: bait links, off-host and relative redirects, markers everywhere.
  const srv = await startHttpServer(IP, true, (req, res) => {
    const url = req.url ?? '';
    res.setHeader('X-FEServer', 'BAIT');
    if (url === '/owa/') res.writeHead(302, { Location: '/owa/next?step=1' }).end();
    else if (url.startsWith('/owa/next'))
      res.writeHead(302, { Location: 'https://evil.example/steal' }).end();
    else
      res
        .writeHead(401, { 'WWW-Authenticate': 'NTLM' })
        .end('<a href="/admin/delete">/owa/auth/15.1.2507/themes/ ../../etc</a>');
  });
  try {
    await probeTarget({ ip: IP, port: srv.port, protocol: 'https' }, testScanOptions());
    const allowed = new Set(plan.stages.map((s) => s.path.replace('{cu}', '15.1.2507')));
    allowed.add('/owa/next?step=1'); // the same-origin redirect of the /owa/ stage
    assert.ok(srv.requests.length <= plan.maxRequests);
    for (const q of srv.requests) {
      assert.ok(q.method === 'GET' || q.method === 'HEAD', q.method);
      assert.ok(allowed.has(q.url), `unexpected request ${q.method} ${q.url}`);
    }
    assert.ok(!srv.requests.some((q) => q.url.includes('steal') || q.url.includes('admin')));
  } finally {
    await srv.close();
  }
});

test('plan data admits only GET and HEAD', async () => {
  const { parseProbePlan } = await import('../../src/probe/probe-plan.js');
  const { parse } = await import('yaml');
  const { readFileSync } = await import('node:fs');
  const { dataPath } = await import('../../src/core/data-dir.js');
  const raw = parse(readFileSync(dataPath('probe-plan.yaml'), 'utf8')) as {
    stages: Array<{ method: string }>;
  };
  const bad = structuredClone(raw);
  (bad.stages[0] as { method: string }).method = 'POST';
  assert.throws(() => parseProbePlan(bad), /method/);
});

test('redirect loops are bounded by max redirects', async () => {
  const srv = await startHttpServer(IP, true, (req, res) => {
    if ((req.url ?? '').startsWith('/owa/')) res.writeHead(302, { Location: '/owa/' }).end();
    else res.writeHead(404, { Server: 'nginx' }).end();
  });
  try {
    const r = await probeTarget(
      { ip: IP, port: srv.port, protocol: 'https' },
      testScanOptions({ maxRedirects: 2 }),
    );
    assert.equal(srv.requests.filter((q) => q.url === '/owa/').length, 3);
    assert.equal(r.isExchange, false);
  } finally {
    await srv.close();
  }
});
