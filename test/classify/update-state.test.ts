// Behind on updates: the release a build is read as against the product's latest on a date, from
// the real knowledge base (Exchange 2019 builds per /work/shared/reference/exchange-builds.csv).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { updateState } from '../../src/classify/index.js';
import { classify, kb } from './helpers.js';

const state = (build: string, asOf: string) => {
  const c = classify(build, asOf);
  return updateState(kb, c.product, c.release, asOf);
};

test('the latest release on the date, or newer, is up to date; an older one is behind', () => {
  // 2024-12-01: the latest 2019 release is CU14 Nov24SUv2 (15.2.1544.14)
  assert.equal(state('15.2.1544.14', '2024-12-01'), 'current');
  assert.equal(state('15.2.1544.20', '2024-12-01'), 'current'); // above it on its line
  assert.equal(state('15.2.1748.10', '2024-12-01'), 'current'); // CU15, released after the date
  assert.equal(state('15.2.1544.13', '2024-12-01'), 'behind'); // Nov24SU, before the v2
  assert.equal(state('15.2.1258.39', '2024-12-01'), 'behind'); // CU13 Nov24SUv2: an older CU
  assert.equal(state('15.2.1258', '2024-12-01'), 'behind'); // CU13, its update level unknown
  // judged on its own date: on 2024-11-20 Nov24SU was the latest
  assert.equal(state('15.2.1544.13', '2024-11-20'), 'current');
});

test('only the newest CU known, or no release read: the update level is not known', () => {
  assert.equal(state('15.2.1544', '2024-12-01'), 'unknown'); // three-part build of CU14
  // the CU's own build carries the same release name as a three-part build: not called behind
  assert.equal(state('15.2.1544.4', '2024-12-01'), 'unknown');
  assert.equal(updateState(kb, 'Exchange Server 2019', 'Exchange Server 2019 CU99', '2024-12-01'), 'unknown');
  assert.equal(updateState(kb, 'Exchange Server 2019', null, '2024-12-01'), 'unknown');
  assert.equal(updateState(kb, null, null, '2024-12-01'), 'unknown');
});
