import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadReportData, knownFamilyOrder } from '../../src/report/report-data.js';

test('data/report.yaml names only families the knowledge base knows', () => {
  const known = new Set(knownFamilyOrder());
  const { headlineFamilies } = loadReportData();
  assert.ok(headlineFamilies.length > 0);
  for (const f of headlineFamilies) assert.ok(known.has(f), `${f} is a CVE family in data/cves.json`);
});
