// Engine behaviour beyond single rules: header-name spellings, combining, contradictions,
// hosted-service builds, anchors, loader validation and caching.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  anchorPattern,
  fingerprint,
  loadRules,
  normaliseBuild,
  ruleAnchors,
} from '../../src/fingerprint/index.js';
import { DataError } from '../../src/core/errors.js';
import type { HttpExchange, Observation } from '../../src/core/observation.js';
import { baseObservation } from './helpers/example-observation.js';
import { caseObservation, loadManifest } from './helpers/artifact-observation.js';

const rules = loadRules();

function withHttp(...http: Array<Partial<HttpExchange>>): Observation {
  const obs = baseObservation();
  obs.http = http.map((h) => ({ path: '/', status: 200, headers: [], ...h }));
  return obs;
}

describe('fingerprint engine', () => {
  it('takes the first of equally good builds, and counts a rule fired on two answers once', () => {
    const ev = fingerprint(
      withHttp(
        { path: '/EWS/Exchange.asmx', status: 401, headers: [['X-OWA-Version', '15.1.2507.16']] },
        { path: '/owa/', status: 401, headers: [['X-OWA-Version', '15.1.2507.17']] },
      ),
      rules,
    );
    assert.equal(ev.build, '15.1.2507.16');
    assert.equal(ev.signals.filter((s) => s.rule === ev.signals[0]!.rule).length, 2);
    // one definitive rule (twice) is not two rules: medium, not high
    assert.equal(ev.confidence, 'medium');
  });

  it('reads X-OWA-Version whatever the source calls the header', () => {
    for (const name of [
      'X-OWA-Version',
      'x-owa-version',
      'x_owa_version',
      'X_OWA_Version',
      'X-Owa-Version',
    ]) {
      const ev = fingerprint(
        withHttp({ path: '/EWS/Exchange.asmx', status: 401, headers: [[name, '15.1.2507.16']] }),
        rules,
      );
      assert.equal(ev.exchange, 'yes', name);
      assert.equal(ev.build, '15.1.2507.16');
      assert.equal(ev.precision, 'full');
      assert.match(ev.signals[0]!.where, new RegExp(`header ${name} @ /EWS/Exchange.asmx`));
    }
  });

  it('prefers the full header build over the CU path, and they agree', () => {
    const ev = fingerprint(
      withHttp(
        {
          path: '/owa/auth/logon.aspx',
          body: '<link href="/owa/auth/15.1.2507/themes/resources/favicon.ico">',
          headers: [['Request-Id', '63e030bd-2d23-4b7a-87d2-59201f534748']],
        },
        { path: '/EWS/Exchange.asmx', status: 401, headers: [['X-OWA-Version', '15.1.2507.16']] },
      ),
      rules,
    );
    assert.equal(ev.exchange, 'yes');
    assert.equal(ev.build, '15.1.2507.16');
    assert.equal(ev.confidence, 'high');
  });

  it('flags versions that contradict each other (header vs path CU)', () => {
    const ev = fingerprint(
      withHttp(
        { path: '/owa/auth/logon.aspx', body: 'href="/owa/auth/15.1.1466/themes/resources/favicon.ico"' },
        { path: '/EWS/Exchange.asmx', status: 401, headers: [['X-OWA-Version', '15.1.2507.16']] },
      ),
      rules,
    );
    assert.equal(ev.exchange, 'suspect');
    assert.ok(
      ev.suspectReasons.some(
        (r) => r.includes('contradicting versions') && r.includes('15.1.1466') && r.includes('15.1.2507'),
      ),
    );
  });

  it('calls 15.20+ builds hosted-service suspects', () => {
    const ev = fingerprint(withHttp({ status: 401, headers: [['X-OWA-Version', '15.20.7452.28']] }), rules);
    assert.equal(ev.exchange, 'suspect');
    assert.ok(ev.signals.some((s) => s.rule === 'exo-build' && s.implies === 'exchange-online'));
  });

  it('keeps the exact header build ahead of a lower-bound manifest build', () => {
    const manifest =
      '<assemblyIdentity name="microsoft.exchange.ediscovery.exporttool" version="15.2.986.5" publicKeyToken="deffc2c2c1b2c1a3" />';
    const lower = fingerprint(withHttp({ body: manifest }), rules);
    assert.equal(lower.build, '15.2.986.5');
    assert.equal(lower.revisionIsLowerBound, true);
    const both = fingerprint(
      withHttp({ body: manifest }, { status: 401, headers: [['X-OWA-Version', '15.2.986.14']] }),
      rules,
    );
    assert.equal(both.build, '15.2.986.14');
    assert.equal(both.revisionIsLowerBound, undefined);
    assert.equal(both.exchange, 'yes');
  });

  it('negative signals alone never make a host Exchange', () => {
    const ev = fingerprint(
      withHttp({
        headers: [
          ['Server', 'nginx'],
          ['request-id', 'not-a-guid'],
        ],
        body: '<html>hello</html>',
      }),
      rules,
    );
    assert.equal(ev.exchange, 'no');
    assert.deepEqual(ev.suspectReasons, []);
  });

  it('an empty observation is not Exchange with no signals', () => {
    const ev = fingerprint(baseObservation(), rules);
    assert.equal(ev.exchange, 'no');
    assert.equal(ev.signals.length, 0);
  });

  it('reads a ShadowServer-style reported build and server name', () => {
    const obs = baseObservation();
    obs.source = 'shadowserver';
    obs.reported = { build: '15.2.721', servername: 'AFS-EXCH2019' };
    const ev = fingerprint(obs, rules);
    assert.equal(ev.build, '15.2.721');
    assert.equal(ev.precision, 'cu');
    assert.deepEqual(ev.serverNames, ['AFS-EXCH2019']);
  });

  it('adds certificate names to the server names of an Exchange host, not of other hosts', () => {
    const obs = baseObservation();
    obs.source = 'shadowserver';
    obs.reported = { build: '15.2.721', servername: 'AFS-EXCH2019' };
    obs.tls = { subjectCN: 'WIN-12OUO7A66M7', names: ['win-12ouo7a66m7', 'WIN-12OUO7A66M7.thm.local'] };
    assert.deepEqual(fingerprint(obs, rules).serverNames, [
      'AFS-EXCH2019',
      'WIN-12OUO7A66M7',
      'WIN-12OUO7A66M7.thm.local',
    ]);
    const plain = baseObservation();
    plain.tls = { subjectCN: 'www.example.org', names: ['www.example.org'] };
    assert.deepEqual(fingerprint(plain, rules).serverNames, []);
  });

  it('normalises zero-padded builds', () => {
    assert.equal(normaliseBuild('15.02.0858.002'), '15.2.858.2');
    assert.equal(normaliseBuild('15.2'), undefined);
    assert.equal(normaliseBuild('15.x.1.2'), undefined);
  });
});

describe('rule anchors (ingest pre-filter)', () => {
  const pattern = anchorPattern(rules);

  it('are lower-case literals without characters JSON writers escape', () => {
    for (const a of ruleAnchors(rules)) {
      assert.equal(a, a.toLowerCase());
      assert.doesNotMatch(a, /[<>&"\\/]/);
    }
  });

  it('match the JSON of every fixture observation that is Exchange or suspect', () => {
    let n = 0;
    for (const entry of loadManifest()) {
      for (const c of entry.cases ?? []) {
        if (c.expect.status === 'not-exchange') continue;
        const obs = caseObservation(entry.file, c.observe);
        const text = JSON.stringify({
          ...obs,
          http: obs.http.map((h) => ({ ...h, headers: Object.fromEntries(h.headers) })),
        });
        assert.match(text, pattern, `${entry.file}: ${c.name}`);
        n++;
      }
    }
    assert.ok(n >= 15);
  });

  it('do not match an ordinary web server record', () => {
    const text = JSON.stringify({
      ip: '192.0.2.1',
      port: 443,
      http: {
        status: 200,
        headers: { Server: 'nginx/1.24.0', 'Content-Type': 'text/html' },
        html: '<html><title>Welcome to nginx!</title></html>',
      },
    });
    assert.doesNotMatch(text, pattern);
  });
});

describe('loadRules', () => {
  it('caches one RuleSet per directory', () => {
    assert.equal(loadRules(), loadRules());
  });

  const bad: Array<[string, string]> = [
    ['not a rule file', 'rules: 5\n'],
    [
      'unknown part',
      'rules:\n  - { id: a, description: abc, reads: cookie, match: { words: [x] }, weight: definitive, examples: [{ input: x, source: test }] }\n',
    ],
    [
      'matcher with two kinds',
      'rules:\n  - { id: a, description: abc, reads: body, anchors: [xyz], match: { words: [x], regex: y }, weight: definitive, examples: [{ input: x, source: test }] }\n',
    ],
    [
      'positive body rule without anchors',
      'rules:\n  - { id: a, description: abc, reads: body, match: { words: [x] }, weight: definitive, examples: [{ input: x, source: test }] }\n',
    ],
    [
      'negative rule without reason',
      'rules:\n  - { id: a, description: abc, reads: body, match: { words: [x] }, weight: negative, examples: [{ input: x, source: test }] }\n',
    ],
    [
      'duplicate ids',
      'rules:\n  - { id: a, description: abc, reads: body, anchors: [xyz], match: { words: [x] }, weight: supporting, examples: [{ input: x, source: test }] }\n  - { id: a, description: abc, reads: body, anchors: [xyz], match: { words: [y] }, weight: supporting, examples: [{ input: y, source: test }] }\n',
    ],
    [
      'unknown dependency',
      'rules:\n  - { id: a, description: abc, reads: body, sameResponseAs: [zz], anchors: [xyz], match: { words: [x] }, weight: supporting, examples: [{ input: x, source: test }] }\n',
    ],
    [
      'unknown banner kind',
      'rules:\n  - { id: a, description: abc, reads: banner, names: [ftp], anchors: [xyz], match: { words: [x] }, weight: supporting, examples: [{ input: x, source: test }] }\n',
    ],
    [
      'bad regex',
      'rules:\n  - { id: a, description: abc, reads: body, anchors: [xyz], match: { regex: "(" }, weight: supporting, examples: [{ input: x, source: test }] }\n',
    ],
  ];
  for (const [what, yaml] of bad) {
    it(`rejects ${what} with a DataError`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'excensus-rules-'));
      try {
        writeFileSync(join(dir, 'r.yaml'), yaml);
        assert.throws(
          () => loadRules(dir),
          (e: unknown) => e instanceof DataError && e.message.length > 0,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
