// The documented update path: data/ must equal what scripts/update-kb.ts generates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultReferenceDir, driftedFiles, readGeneratorInput } from '../../scripts/update-kb.js';
import { generateKnowledgeBase } from '../../src/kb/generate.js';
import { parseCsv } from '../../src/kb/csv.js';

const refDir = defaultReferenceDir();
const haveReference = existsSync(join(refDir, 'exchange-builds.csv'));

test(
  'data/*.json have not drifted from the generator output',
  { skip: haveReference ? false : `no reference CSVs in ${refDir}` },
  () => {
    const files = generateKnowledgeBase(readGeneratorInput(refDir));
    assert.deepEqual(driftedFiles(files), [], 'run: node --import tsx scripts/update-kb.ts');
  },
);

test(
  'the generator refuses annotations for builds or CVEs that are not in the reference',
  { skip: !haveReference },
  () => {
    const input = readGeneratorInput(refDir);
    input.buildNotes.rows['15.9.9999.1'] = { note: 'stale' };
    assert.throws(() => generateKnowledgeBase(input), /15\.9\.9999\.1/);
    const input2 = readGeneratorInput(refDir);
    delete input2.cveNotes.cves['CVE-2021-26855'];
    assert.throws(() => generateKnowledgeBase(input2), /CVE-2021-26855/);
  },
);

test('a changed reference row shows up as drift in builds.json only', { skip: !haveReference }, () => {
  const input = readGeneratorInput(refDir);
  input.buildsCsv = input.buildsCsv.replace('15.1.2507.6,2022-04-20', '15.1.2507.6,2022-04-21');
  assert.deepEqual(driftedFiles(generateKnowledgeBase(input)), ['builds.json']);
});

test('CSV reader: quoted fields with commas, doubled quotes, CRLF; short rows are an error', () => {
  const rows = parseCsv('a,b,c\r\n1,"x, ""y""",3\r\n4,,6\n');
  assert.deepEqual(rows, [
    { a: '1', b: 'x, "y"', c: '3' },
    { a: '4', b: '', c: '6' },
  ]);
  assert.throws(() => parseCsv('a,b\n1\n'), /line 2/);
});
