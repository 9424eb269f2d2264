// data/checked.generated.json (src/core/checked-data.ts): the digests of the bundled data files
// their schemas accept. Loading skips the schema for exactly those texts and checks every other.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKED_DATA_NAME, checkedValue, isChecked } from '../../src/core/checked-data.js';
import { dataPath } from '../../src/core/data-dir.js';
import { DataError } from '../../src/core/errors.js';
import {
  bundledDataDir,
  loadKnowledgeBase,
  parseWindowsTable,
  loadWindowsTable,
} from '../../src/kb/index.js';
import { loadReportData, parseReportData } from '../../src/report/report-data.js';
import { repoRoot } from '../helpers/cli.js';
import { checkedDataText, kbSchemasDigest } from '../../src/run/checked-data.js';

const KB_FILES = ['builds.json', 'lifecycle.json', 'cves.json'];

describe('checked data files', () => {
  it('are listed up to date (npm run compile-rules)', () => {
    assert.equal(readFileSync(dataPath(CHECKED_DATA_NAME), 'utf8'), checkedDataText());
  });

  it('name exactly the bundled texts', () => {
    for (const name of [...KB_FILES, 'windows.json', 'report.yaml']) {
      const text = readFileSync(dataPath(name), 'utf8');
      assert.ok(isChecked(name, text), name);
      assert.ok(!isChecked(name, `${text}\n`), name);
      assert.ok(!isChecked('other.json', text), name);
    }
  });

  it('give the knowledge base that checking the files gives', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'excensus-checked-'));
    try {
      // the same data with other bytes: not listed, so checked by the schemas
      for (const name of KB_FILES)
        writeFileSync(join(tmp, name), `${readFileSync(join(bundledDataDir(), name), 'utf8')}\n`);
      const checked = loadKnowledgeBase(bundledDataDir());
      const validated = loadKnowledgeBase(tmp);
      for (const key of ['builds', 'products', 'cves', 'families', 'byBuild', 'byAlias', 'lines', 'dataDate'])
        assert.deepEqual(checked[key as keyof typeof checked], validated[key as keyof typeof validated], key);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('do not cover a changed file: a knowledge base with an invalid one is refused', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'excensus-checked-'));
    try {
      cpSync(bundledDataDir(), tmp, { recursive: true });
      const file = join(tmp, 'cves.json');
      const cves = JSON.parse(readFileSync(file, 'utf8')) as { cves: Array<{ severity: string }> };
      cves.cves[0]!.severity = 'SEVERE';
      writeFileSync(file, JSON.stringify(cves));
      assert.throws(
        () => loadKnowledgeBase(tmp),
        (err: unknown) =>
          err instanceof DataError && /cves\.json is invalid at cves\.0\.severity/.test(err.message),
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('give the Windows table and the report settings that checking them gives', () => {
    const windows = readFileSync(dataPath('windows.json'), 'utf8');
    assert.deepEqual(loadWindowsTable(), parseWindowsTable(JSON.parse(windows)));
    const report = readFileSync(dataPath('report.yaml'), 'utf8');
    assert.deepEqual(checkedValue('report.yaml', report), parseReportData('report.yaml', report));
    assert.deepEqual(
      loadReportData().headlineFamilies,
      parseReportData('report.yaml', report).headline_families,
    );
    assert.throws(() => parseReportData('report.yaml', 'headline_families: []\n'), DataError);
  });

  it('hold a digest of the KB schema sources that any edit to them changes', () => {
    const sources: Record<string, string> = {
      'src/kb/schema.ts':
        "import { z } from 'zod';\nimport { a } from './annotations.js';\nkind: ['RU', 'Preview']\n",
      'src/kb/manifest-schema.ts': "import { z } from 'zod';\n",
      'src/kb/annotations.ts': "import { readFileSync } from 'node:fs';\nexport const a = 1;\n",
    };
    const read =
      (over: Record<string, string> = {}) =>
      (rel: string) => {
        const text = over[rel] ?? sources[rel];
        if (text === undefined) throw new Error(`read ${rel}`);
        return text;
      };
    const base = kbSchemasDigest(read(), '4.0.0');
    assert.equal(kbSchemasDigest(read(), '4.0.0'), base);
    const edits: Array<[string, string]> = [
      ['src/kb/schema.ts', sources['src/kb/schema.ts']!.replace(", 'Preview'", '')],
      ['src/kb/manifest-schema.ts', `${sources['src/kb/manifest-schema.ts']!}// a comment\n`],
      ['src/kb/annotations.ts', 'export const a = 2;\n'], // imported by schema.ts
    ];
    for (const [rel, text] of edits)
      assert.notEqual(kbSchemasDigest(read({ [rel]: text }), '4.0.0'), base, rel);
    assert.notEqual(kbSchemasDigest(read(), '4.1.0'), base, 'another zod');
    // the real sources are read, imports followed
    const seen: string[] = [];
    kbSchemasDigest((rel) => {
      seen.push(rel);
      return readFileSync(join(repoRoot, rel), 'utf8');
    });
    assert.deepEqual(seen.sort(), ['src/kb/annotations.ts', 'src/kb/manifest-schema.ts', 'src/kb/schema.ts']);
  });
});
