import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBuild } from '../../src/classify/index.js';
import { kb } from './helpers.js';

test('accepts 2, 3 and 4 parts with the matching precision', () => {
  assert.deepEqual(parseBuild('15.1', kb), { parts: [15, 1], text: '15.1', precision: 'product' });
  assert.deepEqual(parseBuild('15.1.2507', kb), { parts: [15, 1, 2507], text: '15.1.2507', precision: 'cu' });
  assert.deepEqual(parseBuild(' 15.1.2507.6 ', kb), {
    parts: [15, 1, 2507, 6],
    text: '15.1.2507.6',
    precision: 'full',
  });
});

test('zero-padded long form and the admin-display form', () => {
  assert.deepEqual(parseBuild('15.02.0858.002', kb), {
    parts: [15, 2, 858, 2],
    text: '15.2.858.2',
    precision: 'full',
  });
  assert.deepEqual(parseBuild('Version 15.2 (Build 1748.10)', kb), {
    parts: [15, 2, 1748],
    text: '15.2.1748',
    precision: 'cu',
  });
});

test('rejects non-builds with an error naming the input', () => {
  for (const bad of ['15.x', 'abc', '99.1.1.1', '', '15', '15.2.858.2.1', '15..2', '-15.2', '15.2.858.2a']) {
    const r = parseBuild(bad, kb);
    assert.ok('error' in r, bad);
    if ('error' in r) assert.ok(r.error.includes(`"${bad}"`), r.error);
  }
});
