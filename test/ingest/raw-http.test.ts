// parseRawHttp reads the head by index for speed: held here to the plain definition it replaces
// (search and split by regex, trim of each part), on odd heads and on generated ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRawHttp } from '../../src/ingest/readers/http-text.js';
import { rng } from '../../bench/gen-shodan.js';

function plainParse(
  text: string,
): { status: number; headers: Array<[string, string]>; body?: string } | null {
  if (!text.startsWith('HTTP/')) return null;
  const headEnd = text.search(/\r?\n\r?\n/);
  const head = headEnd >= 0 ? text.slice(0, headEnd) : text;
  const lines = head.split(/\r?\n/);
  const m = /^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(lines[0] ?? '');
  const headers: Array<[string, string]> = [];
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    const colon = l.indexOf(':');
    if (colon <= 0) continue;
    headers.push([l.slice(0, colon).trim(), l.slice(colon + 1).trim()]);
  }
  const rest = headEnd >= 0 ? text.slice(headEnd).replace(/^\r?\n\r?\n/, '') : '';
  return { status: m ? Number(m[1]) : 0, headers, ...(rest ? { body: rest } : {}) };
}

const chosen = [
  'HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody',
  'HTTP/1.1 200 OK\nA: b\n\nbody',
  'HTTP/1.1 200 OK\r\nA: b\r\n',
  'HTTP/1.1 200 OK',
  'HTTP/1.1\r\n200 OK\r\n',
  'HTTP/1.0 301\r\n: x\r\nB:\r\nC :  v  \r\n\r\n',
  'HTTP/1.1 200 OK\n\r\nX: y',
  'HTTP/1.1 200 OK\r\nX: y\r\r\n\r\n',
  'HTTP/1.1 200 OK\r\nX:\u00a0y\u00a0\r\n\r\nrest\r\n\r\nmore',
  'HTTP/1.1 200 OK\r\nX: a:b\r\nnocolon\r\n\tY: z\t\r\n\r\n',
  'HTTP/1.1 200 OK\r\nX: \u2028y\r\n\r\n',
  'HTTP/2 404\r\n\r\n',
  'HTTP/',
  'HTTP/1.1 200 OK\r\n\r\n',
  'SSH-2.0-OpenSSH',
  // status lines off the common "HTTP/d.d NNN" form (read by hand) go to the regex
  'HTTP/1.1  200 OK\r\n\r\n',
  'HTTP/1.1\t301\r\n',
  'HTTP/1.1\u00a0302',
  'HTTP/1.1 20',
  'HTTP/1.1 20\r\n0',
  'HTTP/1.1 2000',
  'HTTP/1.x 200',
  'HTTP/11 200',
  'HTTP/1.1 -200',
];

test('parseRawHttp gives what search, split and trim give', () => {
  const r = rng(5);
  const pieces = [
    'HTTP/1.1 200 OK',
    '\r',
    '\n',
    '\r\n',
    ':',
    ' ',
    'a',
    'X-B',
    '\t',
    '\u00a0',
    '\u2028',
    '200',
    'HTTP/',
  ];
  const inputs = [...chosen];
  for (let i = 0; i < 20_000; i++) {
    let s = r() < 0.8 ? 'HTTP/1.1 200 OK' : '';
    const length = Math.floor(r() * 14);
    for (let j = 0; j < length; j++) s += pieces[Math.floor(r() * pieces.length)];
    inputs.push(s);
  }
  for (const s of inputs) {
    const got = parseRawHttp(s);
    const want = plainParse(s);
    assert.deepEqual(got, want, JSON.stringify(s));
    assert.equal(JSON.stringify(got), JSON.stringify(want), JSON.stringify(s));
  }
});
