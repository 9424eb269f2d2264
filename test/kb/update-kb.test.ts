// The documented update path: data/ must equal what scripts/update-kb.ts generates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultReferenceDir, driftedFiles, readGeneratorInput } from '../../scripts/update-kb.js';
import { generateKnowledgeBase } from '../../src/kb/generate.js';
import { parseCsv } from '../../src/kb/csv.js';
import { readAnnotations } from '../../src/kb/annotations.js';
import { tablesFromDataFiles } from '../../src/kb/tables.js';
import { defaultDataDir } from '../../src/kb/index.js';
import { assembleKnowledgeBase } from '../../src/kb/update/assemble.js';

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
  const row = input.tables.builds.find((b) => b.build === '15.1.2507.6');
  assert.equal(row?.date, '2022-04-20');
  row!.date = '2022-04-21';
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

test('the bundled data is a fixed point: its own tables and annotations generate it again, checks pass', () => {
  const dir = defaultDataDir();
  const read = (n: string): string => readFileSync(join(dir, n), 'utf8');
  const notes = readAnnotations(dir);
  const tables = tablesFromDataFiles(
    {
      builds: JSON.parse(read('builds.json')),
      lifecycle: JSON.parse(read('lifecycle.json')),
      cves: JSON.parse(read('cves.json')),
    },
    { lifecycle: notes.lifecycleNotes, cves: notes.cveNotes },
  );
  const out = assembleKnowledgeBase({ tables, ...notes });
  assert.deepEqual(out.errors, []);
  assert.deepEqual(driftedFiles(out.files, dir), []);
});

test('the checks refuse a build dated before a lower build of its line, and an unknown fixing build', () => {
  const dir = defaultDataDir();
  const notes = readAnnotations(dir);
  const read = (n: string): unknown => JSON.parse(readFileSync(join(dir, n), 'utf8'));
  const files = { builds: read('builds.json'), lifecycle: read('lifecycle.json'), cves: read('cves.json') };
  const tables = tablesFromDataFiles(files as never, {
    lifecycle: notes.lifecycleNotes,
    cves: notes.cveNotes,
  });
  tables.builds.find((b) => b.build === '15.1.2507.9')!.date = '2022-01-01';
  tables.cves.find((c) => c.cve === 'CVE-2022-41082')!.fixedIn.push('15.1.2507.999');
  const out = assembleKnowledgeBase({ tables, ...notes });
  assert.ok(
    out.errors.some((e) => /15\.1\.2507\.9 .*dated before .*15\.1\.2507\.6/.test(e)),
    out.errors.join('\n'),
  );
  assert.ok(
    out.errors.some((e) => /CVE-2022-41082: fixing build 15\.1\.2507\.999/.test(e)),
    out.errors.join('\n'),
  );
});
