// Data tests: every data/ knowledge file validates, is consistent with itself, and matches
// what scripts/update-kb.ts generates from the reference CSVs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { cveFamilies, cvesOfFamily, lineKey, loadKnowledgeBase, productOf } from '../../src/kb/index.js';
import { DataError } from '../../src/core/errors.js';

const kb = loadKnowledgeBase();

function realDate(d: string): boolean {
  const full = d.length === 7 ? `${d}-01` : d;
  const t = Date.parse(`${full}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === full;
}

test('the build table holds every row of the reference: 366, Exchange 4.0 through SE', () => {
  assert.equal(kb.builds.length, 366);
  const products = new Set(kb.builds.map((b) => b.product));
  for (const p of ['Exchange Server 4.0', 'Exchange Server 2013', 'Exchange Server SE'])
    assert.ok(products.has(p), p);
});

test('no duplicate builds, and no alias collides with a table build', () => {
  const seen = new Set<string>();
  for (const b of kb.builds) {
    assert.ok(!seen.has(b.build), `duplicate ${b.build}`);
    seen.add(b.build);
  }
  for (const b of kb.builds)
    for (const a of b.alsoReportedAs ?? [])
      assert.ok(!seen.has(a), `alias ${a} of ${b.build} is itself a table build`);
});

test('every date parses as a real calendar date (YYYY-MM only where the source gives a month)', () => {
  for (const b of kb.builds) assert.ok(realDate(b.date), `${b.build}: ${b.date}`);
  const monthOnly = kb.builds.filter((b) => b.date.length === 7);
  assert.ok(
    monthOnly.every((b) => b.note),
    'each month-only row says so in a note',
  );
  for (const p of kb.products)
    for (const d of [p.releaseDate, p.mainstreamEnd, p.extendedEnd])
      if (d) assert.ok(realDate(d), `${p.product}: ${d}`);
  for (const c of kb.cves) {
    assert.ok(realDate(c.published), c.cve);
    if (c.kevDateAdded) assert.ok(realDate(c.kevDateAdded), c.cve);
  }
});

test('build_short is the first three parts of every 4-part build', () => {
  for (const b of kb.builds) assert.equal(b.buildShort, b.build.split('.').slice(0, 3).join('.'), b.build);
});

test('every product in the build table has a lifecycle entry', () => {
  for (const b of kb.builds) assert.ok(kb.productByName.has(b.product), b.product);
});

test("each CVE's fixing builds exist in the build table or carry an explanation", () => {
  const builds = new Set(kb.builds.map((b) => b.build));
  for (const c of kb.cves) {
    for (const f of c.fixedIn) {
      assert.equal(f.inTable, builds.has(f.build), `${c.cve} ${f.build}: in_table flag`);
      if (!f.inTable)
        assert.ok(
          f.explanation && f.explanation.length > 10,
          `${c.cve} ${f.build} is not in the table and not explained`,
        );
    }
  }
});

test('each fixing build belongs to a product the CVE names, on a line the table knows', () => {
  for (const c of kb.cves) {
    for (const f of c.fixedIn) {
      const pm = productOf(kb, f.parts);
      assert.equal(pm.kind, 'product', `${c.cve} ${f.build}`);
      if (pm.kind === 'product')
        assert.ok(c.products.includes(pm.product.product), `${c.cve} ${f.build} is ${pm.product.product}`);
      assert.ok(kb.lines.has(lineKey(f.parts)), `${c.cve} ${f.build}: line unknown`);
    }
    for (const name of c.products) assert.ok(kb.productByName.has(name), `${c.cve}: unknown product ${name}`);
    for (const co of c.configOnly)
      assert.ok(kb.lines.has(co.line), `${c.cve}: config-only line ${co.line} unknown`);
  }
});

test('every CVE has a family from the families list; families are unique, headline ones first', () => {
  const keys = kb.families.map((f) => f.key);
  assert.equal(new Set(keys).size, keys.length);
  for (const c of kb.cves) assert.ok(keys.includes(c.family), `${c.cve}: ${c.family}`);
  const fams = cveFamilies(kb);
  assert.deepEqual(fams.slice(0, 5), ['ProxyLogon', 'ProxyShell', 'ProxyToken', 'ProxyNotShell', 'OWASSRF']);
  assert.deepEqual(cvesOfFamily(kb, 'ProxyLogon').sort(), [
    'CVE-2021-26855',
    'CVE-2021-26857',
    'CVE-2021-26858',
    'CVE-2021-27065',
  ]);
  assert.deepEqual(cvesOfFamily(kb, 'ProxyShell').sort(), [
    'CVE-2021-31207',
    'CVE-2021-34473',
    'CVE-2021-34523',
  ]);
  assert.deepEqual(cvesOfFamily(kb, 'ProxyToken'), ['CVE-2021-33766']);
  assert.equal(kb.cves.length, 23);
});

test('SharePoint CVE-2025-21400 is deliberately absent', () => {
  assert.ok(!kb.cves.some((c) => c.cve === 'CVE-2025-21400'));
});

test('lifecycle: 2016/2019 end 2025-10-14, SE has no end date, Exchange Online is not on-premises', () => {
  assert.equal(kb.productByName.get('Exchange Server 2016')?.extendedEnd, '2025-10-14');
  assert.equal(kb.productByName.get('Exchange Server 2019')?.extendedEnd, '2025-10-14');
  assert.equal(kb.productByName.get('Exchange Server SE')?.extendedEnd, null);
  assert.equal(kb.productByName.get('Exchange Online')?.onPremises, false);
});

test('loading is cached per directory', () => {
  assert.equal(loadKnowledgeBase(), kb);
  assert.equal(loadKnowledgeBase(kb.dataDir), kb);
});

test('a broken data file is a DataError naming the file and the field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'excensus-kb-'));
  try {
    for (const f of ['builds.json', 'lifecycle.json', 'cves.json']) cpSync(join(kb.dataDir, f), join(dir, f));
    const builds = JSON.parse(readFileSync(join(dir, 'builds.json'), 'utf8')) as {
      builds: { date: string }[];
    };
    (builds.builds[3] as { date: string }).date = '2026-13-01';
    writeFileSync(join(dir, 'builds.json'), JSON.stringify(builds));
    assert.throws(
      () => loadKnowledgeBase(dir),
      (e: unknown) =>
        e instanceof DataError && /builds\.json/.test(e.message) && /builds\.3\.date/.test(e.message),
    );
    writeFileSync(join(dir, 'builds.json'), '{ not json');
    assert.throws(() => loadKnowledgeBase(dir), DataError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('data files say which script generated them', () => {
  for (const f of ['builds.json', 'lifecycle.json', 'cves.json']) {
    const j = JSON.parse(readFileSync(join(kb.dataDir, f), 'utf8')) as { generated_by?: string };
    assert.equal(j.generated_by, 'scripts/update-kb.ts');
    assert.ok(existsSync(join(kb.dataDir, '..', 'scripts', 'update-kb.ts')));
  }
});
