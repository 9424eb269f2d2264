// Hostile sizes: text from scan data is read in time linear in its length. A head of millions of
// colon-less lines must not make the header reader search the rest of the record once per line.
// The reading runs in a child process under a generous time limit: a synchronous loop cannot be
// stopped by the test runner's own timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

/** Runs `script` in a child killed after 20 s; what it printed, as JSON. */
function readInChild(script: string, what: string): unknown {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 20_000,
    maxBuffer: 1 << 20,
  });
  assert.equal(r.signal, null, `reading ${what} did not finish within 20 s`);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const READER = pathToFileURL(join(import.meta.dirname, '../../src/ingest/readers/http-text.ts')).href;

const SCRIPT = `
import { parseRawHttp } from ${JSON.stringify(READER)};
const lines = 'x\\n'.repeat(2_000_000);
const bare = parseRawHttp('HTTP/1.1 200 OK\\n' + lines);
const withBody = parseRawHttp('HTTP/1.1 200 OK\\r\\n' + lines + 'Server: a\\n\\nbody: b');
process.stdout.write(JSON.stringify([bare, withBody]));
`;

test('a multi-MB head of colon-less lines, with or without a colon after it, reads linearly', () => {
  // linear reading takes well under a second; a search per line takes minutes
  const [bare, withBody] = readInChild(SCRIPT, 'the head') as unknown[];
  assert.deepEqual(bare, { status: 200, headers: [] });
  assert.deepEqual(withBody, { status: 200, headers: [['Server', 'a']], body: 'body: b' });
});

const XML = pathToFileURL(join(import.meta.dirname, '../../src/core/xml-tokens.ts')).href;

const TAG_SCRIPT = `
import { xmlTokens } from ${JSON.stringify(XML)};
const tag = '<host ' + 'x'.repeat(1_000_000) + ' ' + 'y'.repeat(1_000_000) + '= a="1" b=' + "'2'" + '/>';
const out = [];
for await (const t of xmlTokens([Buffer.from(tag)])) out.push(t);
process.stdout.write(JSON.stringify(out));
`;

test('a tag with MB-long runs of name characters that name no attribute reads linearly', () => {
  // a search for an attribute from each character of a run took time quadratic in its length
  assert.deepEqual(readInChild(TAG_SCRIPT, 'the tag'), [
    { type: 'open', name: 'host', attrs: { a: '1', b: '2' }, selfClosing: true, line: 1 },
  ]);
});
