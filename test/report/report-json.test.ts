// Pins the documented JSON Lines shape (docs/report-json.md): scripts depend on it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';
import { addScan, fleet, tempStore, type TempStore } from './records.js';

const COUNT_FIELDS = [
  'hosts',
  'exchange',
  'suspect',
  'eol',
  'exchange_share',
  'eol_share',
  'vulnerable',
  'likely',
];
const GROUP_FIELDS: Record<string, string[]> = {
  continent: ['continent', 'continent_code'],
  country: ['country', 'country_name'],
  asn: ['asn', 'asn_org'],
  product: ['product'],
  release: ['release'],
  eol: ['past_eol'],
  family: ['family'],
  status: ['status'],
};

describe('report JSON shape', () => {
  let t: TempStore;
  before(async () => {
    t = await tempStore();
    await addScan(t.store, { name: 'dec', startedAt: '2026-11-01T00:00:00Z' }, fleet());
  });
  after(async () => t.cleanup());

  for (const key of Object.keys(GROUP_FIELDS)) {
    it(`--by ${key} has exactly the documented fields`, async () => {
      const r = await runCli(['report', '--by', key, '--json', '--db', t.path, '--as-of', '2026-01-01']);
      assert.equal(r.code, 0, r.stderr);
      const rows = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.ok(rows.length > 0);
      for (const row of rows) {
        assert.deepEqual(Object.keys(row), [
          'schema_version',
          'scan',
          'as_of',
          ...(GROUP_FIELDS[key] ?? []),
          ...COUNT_FIELDS,
        ]);
        for (const f of ['hosts', 'exchange', 'suspect', 'eol']) assert.ok(Number.isInteger(row[f]));
        for (const m of ['vulnerable', 'likely'])
          for (const n of Object.values(row[m] as object)) assert.ok(Number.isInteger(n));
      }
    });
  }

  it('every documented group field is in docs/report-json.md', () => {
    const doc = readFileSync(join(repoRoot, 'docs/report-json.md'), 'utf8');
    for (const f of [...Object.values(GROUP_FIELDS).flat(), ...COUNT_FIELDS, 'section', 'schema_version'])
      assert.ok(doc.includes(`\`${f}\``), f);
  });
});
