// data/probe-plan.yaml is validated at load; these are the mistakes the schema must catch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DataError } from '../../src/core/errors.js';
import { dataPath } from '../../src/core/data-dir.js';
import { loadProbePlan, parseProbePlan } from '../../src/probe/probe-plan.js';

type RawPlan = { stages: Array<Record<string, unknown>>; [k: string]: unknown };
const raw = (): RawPlan => parse(readFileSync(dataPath('probe-plan.yaml'), 'utf8')) as RawPlan;

test('the shipped plan loads: EWS first, at most a few requests, identifying User-Agent', () => {
  const plan = loadProbePlan();
  assert.equal(plan.stages[0]?.path, '/EWS/Exchange.asmx');
  assert.ok(plan.maxRequests <= 6);
  assert.match(plan.userAgent, /\+https?:\/\//, 'a contact URL in the User-Agent');
  assert.deepEqual(plan.stages.find((s) => s.id === 'favicon')?.needs, ['cu']);
  assert.ok(plan.stages.every((s) => s.method === 'GET' || s.method === 'HEAD'));
  // NTLM host info: one NEGOTIATE, only where NTLM was offered, recorded beside the verdict.
  const ntlm = plan.stages.filter((s) => s.auth !== undefined);
  assert.deepEqual(
    ntlm.map((s) => s.id),
    ['ntlm-ews', 'ntlm-autodiscover'],
  );
  assert.ok(ntlm.every((s) => s.afterStop && s.whenAll?.length && s.whenAny?.length));
});

test('schema errors are DataErrors naming the problem', () => {
  const cases: Array<[string, (p: RawPlan) => void, RegExp]> = [
    ['method', (p) => ((p.stages[0] as Record<string, unknown>).method = 'POST'), /method/],
    ['path', (p) => ((p.stages[0] as Record<string, unknown>).path = 'EWS/no-slash'), /path/],
    [
      'capture',
      (p) => ((p.stages[0] as Record<string, unknown>).path = '/x/{nope}'),
      /unknown capture \{nope\}/,
    ],
    ['regex', (p) => ((p.stages[0] as Record<string, unknown>).stop_if = [{ body: '(' }]), /bad regex/],
    ['duplicate', (p) => p.stages.push({ ...(p.stages[0] as Record<string, unknown>) }), /duplicate stage/],
    [
      'empty condition',
      (p) => ((p.stages[0] as Record<string, unknown>).stop_if = [{ stage: 'ews' }]),
      /condition needs/,
    ],
    [
      'unknown field',
      (p) => ((p.stages[0] as Record<string, unknown>).body = 'payload'),
      /body|Unrecognized/i,
    ],
  ];
  for (const [name, mutate, re] of cases) {
    const p = raw();
    mutate(p);
    assert.throws(
      () => parseProbePlan(p),
      (e: unknown) => e instanceof DataError && re.test((e as Error).message),
      name,
    );
  }
});
