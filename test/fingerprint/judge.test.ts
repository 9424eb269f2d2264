// judgeObservation: statuses, on-premises counting, classification for suspects, and
// lower-bound revisions (export-tool manifest) turning SU-level verdicts into "likely".
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifyEvidence, judgeObservation, type JudgeContext } from '../../src/classify/judge.js';
import { loadRules } from '../../src/fingerprint/index.js';
import { loadKnowledgeBase } from '../../src/kb/index.js';
import type { HttpExchange, Observation, ObservationStatus } from '../../src/core/observation.js';
import { hostRecordToWire } from '../../src/core/wire.js';
import { baseObservation } from './helpers/example-observation.js';

const ctx: JudgeContext = { rules: loadRules(), kb: loadKnowledgeBase(), asOf: '2024-01-01' };

function obsWith(...http: Array<Partial<HttpExchange>>): Observation {
  const obs = baseObservation();
  obs.http = http.map((h) => ({ path: '/', status: 200, headers: [], ...h }));
  return obs;
}

const MANIFEST =
  '<assemblyIdentity name="microsoft.exchange.ediscovery.exporttool" version="15.2.986.5" publicKeyToken="deffc2c2c1b2c1a3" />';

describe('judgeObservation', () => {
  for (const s of ['refused', 'timeout', 'tls-error', 'excluded'] as ObservationStatus[]) {
    it(`passes the non-ok status ${s} through`, () => {
      const obs = {
        ...baseObservation(),
        status: s,
        statusDetail: 'detail',
        http: [
          { path: '/', status: 200, headers: [['X-OWA-Version', '15.2.986.14']] as Array<[string, string]> },
        ],
      };
      const r = judgeObservation(obs, ctx);
      assert.equal(r.status, s);
      assert.equal(r.statusDetail, 'detail');
      assert.equal(r.isExchange, false);
      assert.equal(r.classification, null);
      assert.equal(r.evidence.signals.length, 0);
    });
  }

  it('counts a full on-premises build as Exchange and classifies it', () => {
    const obs = obsWith({
      path: '/EWS/Exchange.asmx',
      status: 401,
      headers: [['X-OWA-Version', '15.2.986.14']],
    });
    obs.hostname = 'mail.example.org';
    obs.geo = { country: 'DE', continent: 'EU', source: 'source' };
    const r = judgeObservation(obs, ctx);
    assert.equal(r.status, 'exchange');
    assert.equal(r.isExchange, true);
    assert.equal(r.classification?.build, '15.2.986.14');
    assert.equal(r.classification?.precision, 'full');
    assert.equal(r.hostname, 'mail.example.org');
    assert.equal(r.geo?.country, 'DE');
  });

  it('product-only Exchange has no classification', () => {
    const r = judgeObservation(
      obsWith({
        status: 302,
        headers: [
          ['X-FEServer', 'EX01'],
          ['Location', 'https://x/owa/'],
        ],
      }),
      ctx,
    );
    assert.equal(r.status, 'exchange');
    assert.equal(r.classification, null);
    assert.equal(r.evidence.precision, 'product');
  });

  it('a hosted-service build is a suspect, classified for the record, never counted', () => {
    const r = judgeObservation(obsWith({ status: 401, headers: [['X-OWA-Version', '15.20.7452.28']] }), ctx);
    assert.equal(r.status, 'suspect');
    assert.equal(r.isExchange, false);
    assert.equal(r.suspect, true);
    assert.equal(r.classification?.onPremises, false);
  });

  it('a lower-bound revision turns SU-level "vulnerable" into "likely" on the same CU', () => {
    const exact = judgeObservation(obsWith({ status: 401, headers: [['X-OWA-Version', '15.2.986.5']] }), ctx);
    const lower = judgeObservation(
      obsWith({ path: '/ecp/Current/exporttool/x.application', body: MANIFEST }),
      ctx,
    );
    assert.equal(lower.status, 'exchange');
    assert.equal(lower.evidence.revisionIsLowerBound, true);
    assert.equal(lower.classification?.release, exact.classification?.release);
    assert.match(lower.classification?.note ?? '', /lower bound/);
    const byCve = new Map(exact.classification!.vulns.map((v) => [v.cve, v.status]));
    let softened = 0;
    for (const v of lower.classification!.vulns) {
      const was = byCve.get(v.cve);
      if (was === 'vulnerable' && v.status === 'likely') softened++;
      if (was === 'patched') assert.equal(v.status, 'patched', v.cve);
    }
    assert.ok(softened > 0, 'some same-CU SU fixes should become likely');
  });

  it('puts the lower-bound flag on the wire', () => {
    const lower = judgeObservation(obsWith({ body: MANIFEST }), ctx);
    const wire = hostRecordToWire(lower) as {
      evidence: { revision_is_lower_bound?: boolean; signals: Array<Record<string, unknown>> };
    };
    assert.equal(wire.evidence.revision_is_lower_bound, true);
    assert.equal(wire.evidence.signals[0]!.revision_is_lower_bound, true);
  });

  it('does not read the clock: the same observation judged at two dates differs only by date logic', () => {
    const obs = obsWith({ status: 401, headers: [['X-OWA-Version', '15.1.2507.16']] });
    const before = judgeObservation(obs, { ...ctx, asOf: '2025-01-01' });
    const after = judgeObservation(obs, { ...ctx, asOf: '2026-01-01' });
    assert.equal(before.classification?.eol, false);
    assert.equal(after.classification?.eol, true);
  });

  it('servers on one build share one frozen classification; another build or a lower-bound reading gets its own', () => {
    const header = (v: string) => obsWith({ path: '/owa/', status: 200, headers: [['X-OWA-Version', v]] });
    const a = judgeObservation(header('15.2.986.14'), ctx);
    const b = judgeObservation(header('15.2.986.14'), ctx);
    const other = judgeObservation(header('15.1.2507.6'), ctx);
    assert.ok(a.classification && a.classification === b.classification, 'one object for one build');
    assert.ok(
      Object.isFrozen(a.classification) && Object.isFrozen(a.classification.vulns[0]),
      'frozen all the way down',
    );
    assert.throws(() => {
      (a.classification as { release: string | null }).release = 'changed';
    }, TypeError);
    assert.notEqual(other.classification, a.classification);
    assert.notEqual(
      judgeObservation(header('15.2.986.14'), { ...ctx, asOf: '2026-01-01' }).classification,
      a.classification,
      'another date, another verdict',
    );
    const lower = judgeObservation(
      obsWith({
        path: '/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application',
        status: 200,
        headers: [],
        body: MANIFEST.replace('15.2.986.5', '15.2.986.14'),
      }),
      ctx,
    );
    assert.notEqual(lower.classification, a.classification);
    assert.notDeepEqual(lower.classification?.note, a.classification.note);
    const lowerAgain = judgeObservation(
      obsWith({
        path: '/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application',
        status: 200,
        headers: [],
        body: MANIFEST.replace('15.2.986.5', '15.2.986.14'),
      }),
      ctx,
    );
    assert.ok(
      lowerAgain.classification === lower.classification && Object.isFrozen(lower.classification),
      'one frozen object per lower-bound reading too',
    );
  });

  it('derives the same classification from the evidence alone (what a thread receiving records without theirs does)', () => {
    for (const o of [
      obsWith({ path: '/owa/', status: 200, headers: [['X-OWA-Version', '15.2.986.14']] }),
      obsWith({ path: '/ecp/Current/exporttool/x.application', body: MANIFEST }),
      obsWith({ path: '/', status: 200, headers: [['Server', 'nginx']] }),
    ]) {
      const r = judgeObservation(o, ctx);
      assert.equal(
        classifyEvidence(JSON.parse(JSON.stringify(r.evidence)) as typeof r.evidence, {
          kb: ctx.kb,
          asOf: ctx.asOf,
        }),
        r.classification,
      );
    }
    const down = judgeObservation(
      {
        ...obsWith({ path: '/owa/', status: 200, headers: [['X-OWA-Version', '15.2.986.14']] }),
        status: 'timeout',
      },
      ctx,
    );
    assert.equal(classifyEvidence(down.evidence, ctx), null);
  });
});
