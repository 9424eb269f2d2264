// The body gate: a body rule is skipped only when none of its anchors is in the body, whatever the
// anchors' case, place or overlap; negate rules and rules with loosely spelled anchors always run.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRuleSet, fingerprint, loadRules, type RuleDef } from '../../src/fingerprint/index.js';
import { runRules } from '../../src/fingerprint/engine.js';
import type { Observation } from '../../src/core/observation.js';
import { baseObservation, exampleObservation } from './helpers/example-observation.js';
import { caseObservation, loadManifest } from './helpers/artifact-observation.js';

function bodyRule(id: string, regex: string, anchors?: string[], negate?: boolean): RuleDef {
  return {
    id,
    description: 'test rule',
    reads: 'body',
    match: { regex, ...(negate ? { negate } : {}) },
    weight: negate ? 'negative' : 'supporting',
    ...(negate ? { reason: 'test' } : {}),
    ...(anchors ? { anchors } : {}),
    examples: [{ input: 'x', source: 'test' }],
    lookalikes: [],
  };
}

function withBody(body: string, status = 200): Observation {
  const obs = baseObservation();
  obs.http = [{ path: '/', status, headers: [], body }];
  return obs;
}

const ids = (rs: ReturnType<typeof buildRuleSet>, body: string): string[] =>
  runRules(rs, withBody(body)).map((f) => f.rule.id);

describe('body gate', () => {
  const rules = loadRules();

  it('tests a rule whose anchor is in other letters, late in the body', () => {
    const body = `${'x'.repeat(7000)}<!-- OWAPAGE = ASP.auth_logon_aspx -->${'y'.repeat(9000)}`;
    assert.ok(ids(rules, body).includes('owa-page-marker'));
    const title = `${'z'.repeat(3000)}<TITLE>exchange LOG in</TITLE>`;
    assert.ok(ids(rules, title).includes('owa-title'));
  });

  it('finds an anchor that starts inside another, and one that is part of another', () => {
    const rs = buildRuleSet(
      [
        bodyRule('abcd', 'abcd', ['abcd']),
        bodyRule('cdef', 'cdef', ['cdef']),
        bodyRule('owa', 'owa', ['owa']),
        bodyRule('owapage', 'owapage', ['owapage']),
        bodyRule('late', 'zzz', ['zzz']),
      ],
      'test',
    );
    assert.deepEqual(ids(rs, 'xxABCDEFxx OwaPage xx zzz'), ['abcd', 'cdef', 'owa', 'owapage', 'late']);
    assert.deepEqual(ids(rs, 'xxabcxx owpage zz'), []);
  });

  it('always tests a negate rule, whatever anchors it declares', () => {
    const rs = buildRuleSet([bodyRule('no-marker', 'marker', ['marker'], true)], 'test');
    assert.deepEqual(ids(rs, 'a body without it'), ['no-marker']);
    assert.deepEqual(ids(rs, 'a MARKER'), []);
  });

  it('always tests rules without anchors or with an anchor the pre-filter spells loosely', () => {
    const rs = buildRuleSet(
      [
        bodyRule('none', 'plain'),
        bodyRule('dash', 'x_owa_y', ['x-owa-y']), // the pre-filter reads "_" as "-"
      ],
      'test',
    );
    assert.deepEqual(ids(rs, 'plain X_OWA_Y'), ['none', 'dash']);
  });

  it('gates nothing when the anchors are too many for its bit mask', () => {
    const many = Array.from({ length: 32 }, (_, i) => bodyRule(`r${i}`, 'shared', [`anchor${i}`]));
    assert.equal(ids(buildRuleSet(many, 'test'), 'shared only').length, 32);
  });

  it('judges every rule example and artifact case as the rules without anchors do', () => {
    const open = buildRuleSet(
      rules.rules.map(({ def }) => ({ ...def, anchors: undefined })),
      'no anchors',
    );
    const seen: Observation[] = [];
    for (const { def } of rules.rules) {
      if (def.reads !== 'body') continue;
      for (const ex of [...def.examples, ...def.lookalikes]) seen.push(exampleObservation(def, ex));
    }
    for (const entry of loadManifest())
      for (const c of entry.cases ?? []) seen.push(caseObservation(entry.file, c.observe));
    assert.ok(seen.length > 40);
    for (const obs of seen) assert.deepEqual(fingerprint(obs, rules), fingerprint(obs, open));
  });
});
