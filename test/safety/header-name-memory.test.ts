// Hostile sizes: header names from scan data are sliced out of a record's whole text. Whatever
// the engine keeps of them across records (its cache of normalised names) must not keep those
// texts alive: 200 records of 512 KB with unique long header names would otherwise pin ~100 MB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const src = (p: string): string =>
  JSON.stringify(pathToFileURL(join(import.meta.dirname, '../../src', p)).href);

const RECORDS = 200;
const SCRIPT = `
import { parseRawHttp } from ${src('ingest/readers/http-text.ts')};
import { fingerprint, loadRules } from ${src('fingerprint/index.ts')};
const rules = loadRules();
const judge = (i, long) => {
  const name = long ? 'X-Unique-Header-Name-' + i + '-' + 'p'.repeat(i % 90) : 'X-Name-' + i;
  const text = 'HTTP/1.1 200 OK\\r\\n' + name + ': v\\r\\nServer: x\\r\\n\\r\\n' + String(i).repeat(512 * 1024).slice(0, 512 * 1024);
  const http = parseRawHttp(text);
  const obs = { ip: '127.0.0.1', port: 443, timestamp: '2024-01-01T00:00:00Z', source: 'probe', status: 'ok',
    http: [{ path: '/', status: http.status, headers: http.headers }] };
  fingerprint(obs, rules);
};
judge(0, false);
globalThis.gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < ${RECORDS}; i++) judge(i, true);
globalThis.gc();
process.stdout.write(String(process.memoryUsage().heapUsed - before));
`;

test('judging records with unique long header names keeps none of their texts', () => {
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', SCRIPT],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const grown = Number(r.stdout);
  // pinning keeps ~512 KB per record (~100 MB); a flat copy of each name keeps a few bytes
  assert.ok(
    grown < 16 * 1024 * 1024,
    `heap grew by ${(grown / 1048576).toFixed(1)} MB over ${RECORDS} records`,
  );
});
