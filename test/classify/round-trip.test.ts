// Every row of the build table looks up to itself; every known variant to its row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, kb } from './helpers.js';

test('every table build classifies to its own release name, product, kind and date (exact)', () => {
  assert.equal(kb.builds.length, 366);
  for (const row of kb.builds) {
    const c = classify(row.build);
    assert.equal(c.release, row.release, row.build);
    assert.equal(c.product, row.product, row.build);
    assert.equal(c.releaseKind, row.kind, row.build);
    assert.equal(c.releaseDate, row.date, row.build);
    assert.equal(c.exact, true, row.build);
    assert.equal(c.build, row.build);
    assert.equal(c.precision, row.build.split('.').length === 4 ? 'full' : 'cu');
    assert.equal(c.onPremises, true);
  }
});

test('every build also looks up from its zero-padded long form', () => {
  for (const row of kb.builds.filter((r) => r.build.split('.').length === 4)) {
    const [a, b, c, d] = row.build.split('.');
    const long = `${a}.${b?.padStart(2, '0')}.${c?.padStart(4, '0')}.${d?.padStart(3, '0')}`;
    assert.equal(classify(long).release, row.release, long);
  }
});

test('variants reported by servers or other lists map to their row, flagged as not exact with a note', () => {
  const withAliases = kb.builds.filter((r) => r.alsoReportedAs?.length);
  assert.ok(withAliases.length >= 8);
  for (const row of withAliases) {
    for (const alias of row.alsoReportedAs ?? []) {
      const c = classify(alias);
      assert.equal(c.release, row.release, alias);
      assert.equal(c.exact, false, alias);
      assert.match(c.note ?? '', new RegExp(row.build.replace(/\./g, '\\.')), alias);
    }
  }
});

test('rows that share a line or a name, or are mistyped, are explained in the data', () => {
  const names = new Map<string, number>();
  for (const r of kb.builds) names.set(r.release, (names.get(r.release) ?? 0) + 1);
  for (const r of kb.builds)
    if ((names.get(r.release) ?? 0) > 1)
      assert.ok(r.note, `${r.build} shares its name "${r.release}" without a note`);
  for (const line of kb.lines.values()) {
    const previews = line.rows.filter((r) => r.kind === 'Preview');
    if (previews.length && line.rows.length > 1)
      for (const r of line.rows) assert.ok(r.note, `${r.build} shares line ${line.key} with a preview`);
  }
  // The 2010 SP2 UR5 typo (14.3 instead of 14.2) is kept verbatim and explained.
  assert.match(kb.byBuild.get('14.3.328.5')?.note ?? '', /14\.2\.328\.5/);
});

test('a three-part build of every 2013+ CU line names the CU and lists its updates', () => {
  for (const line of kb.lines.values()) {
    if (line.rows.every((r) => r.parts.length === 3)) continue;
    const c = classify(line.key);
    assert.equal(c.precision, 'cu');
    assert.equal(c.cu, line.base.release, line.key);
    assert.equal(c.release, line.base.release);
    assert.deepEqual(
      c.sus,
      line.rows.filter((r) => r !== line.base && r.kind !== 'Preview').map((r) => r.release),
      line.key,
    );
  }
});
