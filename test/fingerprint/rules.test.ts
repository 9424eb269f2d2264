// The one generic test over every fingerprint rule (recog style): each example fires and
// extracts what it states, each look-alike does not fire, and anchors cover the examples.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprint, loadRules, normaliseHeaderName } from '../../src/fingerprint/index.js';
import { buildRuleSet } from '../../src/fingerprint/ruleset.js';
import { runRules } from '../../src/fingerprint/engine.js';
import type { RuleDef, RuleExample } from '../../src/fingerprint/index.js';
import type { Signal } from '../../src/core/evidence.js';
import { exampleObservation } from './helpers/example-observation.js';

const rules = loadRules();

/** Runs one rule alone, without its same-response conditions (those are tested on fixtures). */
function fire(def: RuleDef, ex: RuleExample): { signal: Signal; serverName?: string } | undefined {
  const solo = buildRuleSet([{ ...def, sameResponseAs: undefined }], 'test');
  const rule = solo.rules[0]!;
  if (def.reads === 'build') {
    const hit = rule.test(ex.input);
    return hit ? { signal: { rule: def.id, weight: def.weight, where: 'build', ...hit } } : undefined;
  }
  const fired = runRules(solo, exampleObservation(def, ex));
  assert.ok(fired.length <= 1, `${def.id}: one example fired ${fired.length} times`);
  const f = fired[0];
  return f ? { signal: f.signal, ...(f.serverName ? { serverName: f.serverName } : {}) } : undefined;
}

describe('fingerprint rules: examples and look-alikes', () => {
  for (const { def } of rules.rules) {
    describe(def.id, () => {
      def.examples.forEach((ex, i) => {
        it(`example ${i + 1} fires and extracts its values (${ex.source})`, () => {
          if (ex.name && def.names && def.reads !== 'header')
            assert.ok(def.names.includes(ex.name), `name ${ex.name} not read by rule`);
          if (ex.name && def.names && def.reads === 'header') {
            assert.ok(def.names.map(normaliseHeaderName).includes(normaliseHeaderName(ex.name)));
          }
          const got = fire(def, ex);
          assert.ok(got, `${def.id} did not fire on ${JSON.stringify(ex.input).slice(0, 120)}`);
          const want = ex.expect ?? {};
          if (want.build !== undefined) assert.equal(got.signal.build, want.build);
          if (want.precision !== undefined) assert.equal(got.signal.precision, want.precision);
          if (want.value !== undefined) assert.equal(got.signal.value, want.value);
          if (want.serverName !== undefined) assert.equal(got.serverName, want.serverName);
          if (want.revisionIsLowerBound !== undefined)
            assert.equal(got.signal.revisionIsLowerBound === true, want.revisionIsLowerBound);
          assert.equal(got.signal.weight, def.weight);
        });
      });
      def.lookalikes.forEach((ex, i) => {
        it(`look-alike ${i + 1} does not fire (${ex.source})`, () => {
          assert.equal(fire(def, ex), undefined);
        });
      });
      // positive rules for the ingest pre-filter; every rule with anchors for the body gate
      if (def.anchors && def.match.negate !== true) {
        it('every example contains one of the rule anchors', () => {
          for (const ex of def.examples) {
            const text = ex.input.toLowerCase();
            assert.ok(
              def.anchors!.some((a) => text.includes(a.toLowerCase())),
              `${def.id}: ${ex.input.slice(0, 80)}`,
            );
          }
        });
      }
    });
  }
});

describe('fingerprint rules: whole rule set on build examples', () => {
  it('the full rule set reads the same build from each build example', () => {
    let checked = 0;
    for (const { def } of rules.rules) {
      if (def.weight === 'negative' || def.reads === 'build') continue;
      for (const ex of def.examples) {
        if (!ex.expect?.build) continue;
        const ev = fingerprint(exampleObservation(def, ex), rules);
        assert.equal(ev.build, ex.expect.build, `${def.id}: ${ex.input.slice(0, 80)}`);
        assert.notEqual(ev.exchange, 'no');
        checked++;
      }
    }
    assert.ok(checked >= 20, `only ${checked} build examples`);
  });
});
