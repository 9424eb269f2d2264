// The engine's header index: one lookup per header spelling, absent rules tracked by bit per rule.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRuleSet, fingerprint, type RuleDef } from '../../src/fingerprint/index.js';
import { runRules } from '../../src/fingerprint/engine.js';
import { DataError } from '../../src/core/errors.js';
import type { Observation } from '../../src/core/observation.js';
import { baseObservation } from './helpers/example-observation.js';

function rule(id: string, names: string[], match: RuleDef['match'], weight: RuleDef['weight']): RuleDef {
  return {
    id,
    description: 'test rule',
    reads: 'header',
    names,
    match,
    weight,
    reason: weight === 'negative' ? 'test' : undefined,
    examples: [{ input: 'x', source: 'test' }],
    lookalikes: [],
  };
}

function withHeaders(...headers: Array<[string, string]>): Observation {
  const obs = baseObservation();
  obs.http = [{ path: '/p', status: 200, headers }];
  return obs;
}

const rs = buildRuleSet(
  [
    rule('reads-foo', ['X-Foo'], { regex: '^(\\d+)$' }, 'supporting'),
    rule('no-a', ['X-A'], { absent: true }, 'negative'),
    rule('no-b-or-c', ['X-B', 'x_c'], { absent: true }, 'negative'),
    rule('reads-foo-too', ['x-foo', 'X-Bar'], { words: ['7'] }, 'supporting'),
  ],
  'test',
);
const fired = (obs: Observation): string[] => runRules(rs, obs).map((f) => f.rule.id);

describe('header index', () => {
  it('keeps each absent rule to the names it watches', () => {
    assert.deepEqual(fired(withHeaders(['X_C', '1'])), ['no-a']);
    assert.deepEqual(fired(withHeaders(['x-a', ''])), ['no-b-or-c']);
    assert.deepEqual(fired(withHeaders(['X-A', ''], ['X-b', ''])), []);
    assert.deepEqual(fired(withHeaders(['Other', 'v'])), ['no-a', 'no-b-or-c']);
    assert.deepEqual(fired(baseObservation()), []);
  });

  it('reads a header under every spelling, names it as the record does, and fires a rule once', () => {
    for (let round = 0; round < 2; round++) {
      const got = runRules(
        rs,
        withHeaders(['x_FOO', '7'], ['X-Bar', '7'], ['X-Foo', '8'], ['X-A', ''], ['X-B', '']),
      );
      assert.deepEqual(
        got.map((f) => [f.rule.id, f.signal.where, f.signal.value]),
        [
          ['reads-foo', 'header x_FOO @ /p', '7'],
          ['reads-foo-too', 'header x_FOO @ /p', '7'],
        ],
      );
    }
    assert.equal(fingerprint(withHeaders(['X-FOO', '12'], ['X-A', ''], ['X-C', '']), rs).exchange, 'yes');
  });

  it('refuses more absent rules than its bit mask holds', () => {
    const many = Array.from({ length: 32 }, (_, i) =>
      rule(`no-${i}`, [`X-${i}`], { absent: true }, 'negative'),
    );
    assert.throws(() => buildRuleSet(many, 'test'), DataError);
  });
});
