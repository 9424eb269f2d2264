// The build text helpers are read by hand for speed: held here to the plain definition they
// replace (split, a regex per part, Number, join), on chosen and on generated inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildLine, normaliseBuild } from '../../src/fingerprint/build-text.js';
import { rng } from '../../bench/gen-shodan.js';

function plainNormalise(raw: string): string | undefined {
  const parts = raw.trim().split('.');
  if (parts.length < 3 || parts.length > 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,9}$/.test(p)) return undefined;
    out.push(Number(p));
  }
  return out.join('.');
}

const plainLine = (build: string): string => build.split('.').slice(0, 3).join('.');

const chosen = [
  '15.2.986.42',
  '15.02.0986.042',
  ' 15.2.986 ',
  '\u00a015.1.2.3\u2028',
  '15.2',
  '1.2.3.4.5',
  '0.0.0',
  '00.0.00',
  '1.2.3.0',
  '1.2.3.00',
  '15..2.3',
  '15.2.3.',
  '.15.2.3',
  '123456789.1.2',
  '1234567890.1.2',
  '000000001.2.3',
  '\u0661.2.3',
  '-1.2.3',
  '1e2.1.1',
  '',
  '...',
];

test('normaliseBuild and buildLine give what split, regex and join give', () => {
  const r = rng(11);
  const alphabet = '0123456789.. \t\u00a0a';
  const inputs = [...chosen];
  for (let i = 0; i < 20_000; i++) {
    let s = '';
    const length = Math.floor(r() * 16);
    for (let j = 0; j < length; j++) s += alphabet[Math.floor(r() * alphabet.length)];
    inputs.push(s);
  }
  for (const s of inputs) {
    assert.equal(normaliseBuild(s), plainNormalise(s), JSON.stringify(s));
    assert.equal(buildLine(s), plainLine(s), JSON.stringify(s));
  }
});
