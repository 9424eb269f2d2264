// package.json `engines` names the Node.js lines CI tests (docs/ci.md): this machine's Node 20 and
// the LTS that .ci/node-lts pins. The suite runs on each, so each run checks its own Node is declared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '../..');
const engines = (
  JSON.parse(readFileSync(resolve(repo, 'package.json'), 'utf8')) as { engines: { node: string } }
).engines.node;
const lts = readFileSync(resolve(repo, '.ci/node-lts'), 'utf8').trim();

type Version = [number, number, number];
const parse = (v: string): Version => {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(v);
  assert.ok(m, `not a version: ${v}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
};
/** The caret ranges of `engines.node` ("^20.20.0 || ^24.22.0"), as their lowest versions. */
const floors = engines.split('||').map((r) => {
  const m = /^\s*\^(\S+)\s*$/.exec(r);
  assert.ok(m, `engines.node should list caret ranges of tested lines, got "${r.trim()}"`);
  return parse(m[1]!);
});
const satisfies = (v: Version): boolean =>
  floors.some((f) => f[0] === v[0] && (v[1] > f[1] || (v[1] === f[1] && v[2] >= f[2])));

test('engines.node lists Node 20 and the LTS CI installs, one caret range per line', () => {
  assert.deepEqual(
    floors.map((f) => f[0]),
    [20, parse(lts)[0]],
  );
  assert.ok(satisfies(parse(lts)), `.ci/node-lts ${lts} is outside engines.node "${engines}"`);
  assert.equal(parse(lts)[0] % 2, 0, 'LTS lines have even major numbers');
});

test('the Node running the suite is one engines.node declares', () => {
  assert.ok(
    satisfies(parse(process.version)),
    `Node ${process.version} is not among the tested versions "${engines}" (package.json engines)`,
  );
});
