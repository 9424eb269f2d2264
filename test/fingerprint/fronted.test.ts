// Real Exchange responses as a front publishes them (Server rewritten or gone, proxy headers and
// cookies added, the front's own error page on unpublished paths) stay Exchange, flagged fronted;
// honeypots that copy a front's headers stay suspect: a front explains odd headers, not contradictions.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HttpExchange, Observation } from '../../src/core/observation.js';
import { judgeObservation, type JudgeContext } from '../../src/classify/judge.js';
import { loadRules } from '../../src/fingerprint/index.js';
import { loadKnowledgeBase } from '../../src/kb/index.js';
import { artifactsDir } from './helpers/artifact-observation.js';
import { parseApacheHeaderLines, parseNucleiCapture } from './helpers/capture-parsers.js';

const ctx: JudgeContext = { rules: loadRules(), kb: loadKnowledgeBase(), asOf: '2024-01-01' };
const read = (f: string): string => readFileSync(join(artifactsDir, f), 'latin1');

/** A5: the real 2019 CU9 logon page with its headers. */
const logon = parseNucleiCapture(
  read('exchange2019-cu9_owa-15.2.858_auth-logon-aspx-200_headers+head_nuclei-capture.txt'),
);

function observe(...http: HttpExchange[]): Observation {
  return {
    ip: '192.0.2.10',
    port: 443,
    timestamp: '2024-01-01T00:00:00Z',
    source: 'probe',
    status: 'ok',
    http,
  };
}

type Headers = Array<[string, string]>;
const withoutServer = (h: Headers): Headers => h.filter(([n]) => n.toLowerCase() !== 'server');

/** The front's own 404 for an unpublished path (nginx's error page). */
const nginx404: HttpExchange = {
  path: '/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application',
  status: 404,
  headers: [
    ['Server', 'nginx/1.24.0'],
    ['Content-Type', 'text/html'],
  ],
  body: '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n',
};

describe('fronted Exchange', () => {
  it('behind nginx (Server replaced, its own 404 on an unpublished path): Exchange, fronted by nginx', () => {
    const page = {
      ...logon,
      headers: [...withoutServer(logon.headers), ['Server', 'nginx/1.24.0']] as Headers,
    };
    const r = judgeObservation(observe(page, nginx404), ctx);
    assert.equal(r.status, 'exchange', r.evidence.suspectReasons.join('; '));
    assert.equal(r.evidence.build, '15.2.858');
    assert.equal(r.evidence.fronted, true);
    assert.equal(r.evidence.front, 'nginx');
    assert.equal(r.evidence.confidence, 'high');
    assert.equal(r.evidence.doubts, undefined);
  });

  it('behind BIG-IP (Server removed, persistence cookie, Via): Exchange, fronted by BIG-IP', () => {
    const headers: Headers = [
      ...withoutServer(logon.headers),
      ['Set-Cookie', 'BIGipServerpool_exchange_443=1677787402.47873.0000; path=/; Httponly; Secure'],
      ['Via', '1.1 bigip.example.net'],
    ];
    const r = judgeObservation(observe({ ...logon, headers }), ctx);
    assert.equal(r.status, 'exchange');
    assert.equal(r.evidence.fronted, true);
    assert.equal(r.evidence.front, 'BIG-IP');
  });

  it('behind an unnamed proxy (Apache-like Server, X-Cache): Exchange, fronted, confidence lowered one step', () => {
    const headers: Headers = [
      ...withoutServer(logon.headers),
      ['Server', 'Apache'],
      ['X-Cache', 'MISS from proxy'],
    ];
    const r = judgeObservation(observe({ ...logon, headers }), ctx);
    assert.equal(r.status, 'exchange');
    assert.equal(r.evidence.fronted, true);
    assert.equal(r.evidence.front, undefined);
    assert.equal(r.evidence.confidence, 'medium');
    assert.deepEqual(r.evidence.doubts, ['Server header is neither IIS nor a known front']);
  });

  it('IIS as captured: not fronted', () => {
    const r = judgeObservation(observe(logon), ctx);
    assert.equal(r.status, 'exchange');
    assert.equal(r.evidence.fronted, undefined);
  });
});

describe('honeypots that copy a front', () => {
  it("A17's headers with nginx's Server and a Via: still suspect (request-id is not a GUID)", () => {
    const headers: Headers = [
      ...withoutServer(parseApacheHeaderLines(read('lookalike_honeypot-apache-owa-header-emulation.txt'))),
      ['Server', 'nginx'],
      ['Via', '1.1 varnish'],
    ];
    const body = read('exchange2013-cu23_owa-15.0.1497_auth-logon-aspx.html');
    const r = judgeObservation(observe({ path: '/owa/auth/logon.aspx', status: 200, headers, body }), ctx);
    assert.equal(r.status, 'suspect');
    assert.ok(r.evidence.suspectReasons.some((x) => x.includes('request-id is not a GUID')));
  });

  it('the edited 2016 page (A16) behind BIG-IP headers: still suspect', () => {
    const headers: Headers = [
      ['Server', 'BigIP'],
      ['Set-Cookie', 'BIGipServerowa=1677787402.47873.0000; path=/'],
      ['request-id', '63e030bd-2d23-4b7a-87d2-59201f534748'],
    ];
    const body = read('lookalike_honeypot-spoofed-15.1.2507_owa-logon.html');
    const r = judgeObservation(observe({ path: '/owa/auth/logon.aspx', status: 200, headers, body }), ctx);
    assert.equal(r.status, 'suspect');
    assert.ok(r.evidence.suspectReasons.some((x) => x.includes('GUID comment missing')));
  });

  it('a front with one weak marker (a redirect to /owa/) is not counted', () => {
    const r = judgeObservation(
      observe(
        { path: '/', status: 302, headers: [['Location', '/owa/']] },
        { path: '/x', status: 404, headers: [['Server', 'nginx']] },
      ),
      ctx,
    );
    assert.equal(r.status, 'suspect');
    assert.equal(r.isExchange, false);
  });

  it('a front in front of nothing Exchange (nginx welcome): not Exchange, no front notes kept', () => {
    const r = judgeObservation(
      observe({
        path: '/',
        status: 200,
        headers: [
          ['Server', 'nginx/1.24.0'],
          ['Via', '1.1 cdn'],
        ],
        body: '<h1>Welcome to nginx!</h1>',
      }),
      ctx,
    );
    assert.equal(r.status, 'not-exchange');
    assert.equal(r.evidence.fronted, undefined);
    assert.deepEqual(r.evidence.signals, []);
  });
});
