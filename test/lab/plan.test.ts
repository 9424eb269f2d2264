import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planLab } from '../../src/lab/index.js';
import { loadFleetData } from '../../src/lab/fleet-data.js';
import { UsageError } from '../../src/core/errors.js';

test('same seed and count give the same plan; another seed gives another', () => {
  const a = planLab({ seed: 42, count: 200 });
  assert.deepEqual(planLab({ seed: 42, count: 200 }), a);
  const b = planLab({ seed: 43, count: 200 });
  assert.notDeepEqual(
    b.map((h) => h.profile),
    a.map((h) => h.profile),
  );
});

test('a small fleet is a prefix of a larger one with the same seed', () => {
  const small = planLab({ seed: 5, count: 30 });
  const large = planLab({ seed: 5, count: 300 });
  assert.deepEqual(large.slice(0, 30), small);
});

test('the first hosts cover every profile of each mix', () => {
  const data = loadFleetData();
  for (const mix of ['realistic', 'exchange-only', 'bench'] as const) {
    const profiles = Object.keys(data.mixes[mix] ?? {});
    const plan = planLab({ seed: 9, count: profiles.length, mix });
    assert.deepEqual(new Set(plan.map((h) => h.profile)), new Set(profiles), mix);
  }
});

test('every address is consecutive from the base and inside 127.0.0.0/8', () => {
  const plan = planLab({ seed: 1, count: 600, base: '127.1.255.200' });
  assert.equal(plan[0]?.ip, '127.1.255.200');
  assert.equal(plan[56]?.ip, '127.2.0.0');
  for (const h of plan) assert.match(h.ip, /^127\.\d+\.\d+\.\d+$/);
  assert.ok(plan.every((h) => h.port === 18443));
});

test('options that would leave loopback or make no sense are usage errors', () => {
  assert.throws(() => planLab({ seed: 1, count: 4, base: '10.0.0.1' }), UsageError);
  assert.throws(() => planLab({ seed: 1, count: 4, base: '::1' }), UsageError);
  assert.throws(() => planLab({ seed: 1, count: 10, base: '127.255.255.250' }), /leave 127/);
  assert.throws(() => planLab({ seed: 1, count: 0 }), UsageError);
  assert.throws(() => planLab({ seed: 1, count: 4, httpsPort: 70000 }), UsageError);
  assert.throws(() => planLab({ seed: 1, count: 4, httpsPort: 9000, smtpPort: 9000 }), /differ/);
  assert.throws(() => planLab({ seed: 1, count: 4, mix: 'nope' as never }), /unknown mix/);
});

test('geo is weighted like public exposure and ASNs are documentation numbers', () => {
  const plan = planLab({ seed: 3, count: 3000 });
  const share = (c: string): number => plan.filter((h) => h.geo.continent === c).length / plan.length;
  assert.ok(share('EU') > 0.5, `EU ${share('EU')}`);
  assert.ok(share('NA') > share('AS') && share('AS') > share('AF'), 'NA > AS > AF');
  const countries = new Set(plan.map((h) => h.geo.country));
  assert.ok(countries.size >= 15);
  for (const h of plan) {
    const n = h.asn.number;
    assert.ok((n >= 64496 && n <= 64511) || (n >= 65536 && n <= 65551), `asn ${n}`);
    assert.ok(h.asn.org.length > 0);
  }
});

test('expected verdicts follow the exposure rules', () => {
  const plan = planLab({ seed: 11, count: 2000 });
  const exchange = plan.filter((h) => h.kind === 'exchange');
  assert.ok(exchange.length > 800);
  const products = new Set(exchange.map((h) => h.product));
  for (const p of ['2007', '2010', '2013', '2016', '2019', 'SE'])
    assert.ok(
      [...products].some((x) => x?.endsWith(p)),
      p,
    );
  for (const h of exchange) {
    const e = h.expected;
    assert.equal(e.status, 'exchange');
    assert.equal(e.isExchange, true);
    const major = Number(h.build?.split('.')[0]);
    if (h.exposes.owaVersionHeaderOn.length > 0) {
      assert.equal(e.precision, 'full');
      assert.equal(e.build, h.build);
      assert.notEqual(h.profile, 'exchange-stripped');
    } else if (major < 15 && h.exposes.endpoints.includes('owa')) {
      assert.deepEqual([e.precision, e.build], ['full', h.build]);
    } else if (major >= 15) {
      assert.equal(e.precision, 'cu');
      assert.equal(e.build, h.build?.split('.').slice(0, 3).join('.'));
    }
    if (h.profile === 'exchange-stripped' || h.profile === 'exchange-owa-only')
      assert.deepEqual(h.exposes.owaVersionHeaderOn, []);
  }
  // The July-2021 rule: a 2013+ build with every endpoint and no stripping sends the header iff released since then.
  const full = exchange.filter((h) => h.profile === 'exchange' && Number(h.build?.split('.')[0]) === 15);
  assert.ok(
    full.some((h) => h.expected.precision === 'full') && full.some((h) => h.expected.precision === 'cu'),
  );
  const others = plan.filter((h) => h.kind !== 'exchange');
  for (const h of others) assert.equal(h.expected.isExchange, false);
  assert.ok(others.some((h) => h.expected.suspect && h.profile.startsWith('honeypot')));
  assert.ok(others.some((h) => h.kind === 'closed' && h.expected.status === 'refused'));
});
