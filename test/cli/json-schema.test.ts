// Every `--json` output carries a schema_version, as the README promises.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';
import { addScan, fleet, tempStore, type TempStore } from '../report/records.js';

function objects(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('schema_version on every --json line', () => {
  let t: TempStore;
  before(async () => {
    t = await tempStore();
    await addScan(t.store, { name: 'apr', startedAt: '2026-04-01T00:00:00Z' }, fleet());
    await addScan(t.store, { name: 'nov', startedAt: '2026-11-01T00:00:00Z' }, fleet().slice(2));
  });
  after(async () => t.cleanup());

  const db = () => ['--db', t.path];
  const asOf = ['--as-of', '2026-06-01'];
  const cases: Array<[string, () => string[]]> = [
    ['lookup', () => ['lookup', '15.1.2507.6', '--json', ...asOf]],
    ['scans', () => ['scans', '--json', ...db()]],
    ['report', () => ['report', '--json', ...db(), ...asOf]],
    ['report --by', () => ['report', '--by', 'country', '--json', ...db(), ...asOf]],
    ['report --trend', () => ['report', '--trend', '--json', ...db(), ...asOf]],
    ['diff', () => ['diff', 'apr', 'nov', '--json', ...db(), ...asOf]],
    [
      'ingest',
      () => [
        'ingest',
        join(repoRoot, 'test/fixtures/formats/nmap-exchange.synthetic.xml'),
        '--json',
        '--no-store',
      ],
    ],
    [
      'scan',
      () => [
        'scan',
        '127.61.10.1',
        '-p',
        '9',
        '--json',
        '--no-store',
        '--rate',
        '0',
        '--timeout',
        '500ms',
        ...asOf,
      ],
    ],
  ];
  for (const [name, args] of cases)
    it(name, async () => {
      const r = await runCli([...args(), '--quiet']);
      assert.equal(r.code, 0, r.stderr);
      const lines = objects(r.stdout);
      assert.ok(lines.length > 0, 'some output');
      for (const o of lines) assert.equal(o.schema_version, 1, JSON.stringify(o));
    });
});
