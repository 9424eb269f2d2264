// Hand-picked cases; expectations worked out from the reference CSVs and notes, not from the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, status, verdict } from './helpers.js';

test('ProxyLogon: 2016 CU19 Mar21SU boundary; CU20 shipped fixed; CU7 never got an SU', () => {
  assert.equal(status('15.1.2176.8', 'CVE-2021-26855'), 'vulnerable');
  assert.equal(status('15.1.2176.9', 'CVE-2021-26855'), 'patched');
  assert.equal(status('15.1.2242.4', 'CVE-2021-26855'), 'patched');
  assert.equal(status('15.1.1261.35', 'CVE-2021-26855'), 'vulnerable');
  assert.equal(status('15.0.847.64', 'CVE-2021-27065'), 'patched');
  assert.equal(status('15.0.847.32', 'CVE-2021-27065'), 'vulnerable');
});

test('Mar21SU for an old CU fixes only ProxyLogon (2016 CU9 Mar21SU)', () => {
  const c = classify('15.1.1466.16');
  assert.equal(c.release, 'Exchange Server 2016 CU9 Mar21SU');
  for (const cve of ['CVE-2021-26855', 'CVE-2021-26857', 'CVE-2021-26858', 'CVE-2021-27065'])
    assert.equal(verdict(c, cve)?.status, 'patched');
  for (const cve of [
    'CVE-2021-34473',
    'CVE-2021-34523',
    'CVE-2021-31207',
    'CVE-2021-33766',
    'CVE-2022-41040',
  ])
    assert.equal(verdict(c, cve)?.status, 'vulnerable');
});

test('ProxyShell (34473/34523) and ProxyToken are fixed by the April 2021 SU; 31207 needs May21SU', () => {
  const apr = classify('15.2.858.10');
  assert.equal(apr.release, 'Exchange Server 2019 CU9 Apr21SU');
  assert.equal(verdict(apr, 'CVE-2021-34473')?.status, 'patched');
  assert.equal(verdict(apr, 'CVE-2021-34523')?.status, 'patched');
  assert.equal(verdict(apr, 'CVE-2021-33766')?.status, 'patched');
  assert.equal(verdict(apr, 'CVE-2021-31207')?.status, 'vulnerable');
  assert.equal(status('15.2.858.12', 'CVE-2021-31207'), 'patched');
  assert.equal(status('15.0.1497.12', 'CVE-2021-33766'), 'vulnerable');
  assert.equal(status('15.0.1497.15', 'CVE-2021-33766'), 'patched');
});

test('ProxyNotShell / OWASSRF: Nov22SU on 2016 CU23, 2013 CU23; 2019 CU13 shipped fixed', () => {
  assert.equal(status('15.1.2507.13', 'CVE-2022-41082'), 'vulnerable');
  assert.equal(status('15.1.2507.16', 'CVE-2022-41082'), 'patched');
  assert.equal(status('15.1.2507.13', 'CVE-2022-41080'), 'vulnerable');
  assert.equal(status('15.0.1497.42', 'CVE-2022-41040'), 'vulnerable');
  assert.equal(status('15.0.1497.44', 'CVE-2022-41040'), 'patched');
  assert.equal(status('15.2.1258.12', 'CVE-2022-41040'), 'patched');
  assert.equal(status('15.2.2562.17', 'CVE-2022-41040'), 'patched');
});

test('CVE-2023-21707 needs Mar23SU (Feb23SU is not enough); CVE-2023-36745 needs Aug23SUv2', () => {
  assert.equal(status('15.1.2507.21', 'CVE-2023-21707'), 'vulnerable');
  assert.equal(status('15.1.2507.21', 'CVE-2023-21529'), 'patched');
  assert.equal(status('15.1.2507.23', 'CVE-2023-21707'), 'patched');
  assert.equal(status('15.1.2507.31', 'CVE-2023-36745'), 'vulnerable');
  assert.equal(status('15.1.2507.32', 'CVE-2023-36745'), 'patched');
});

test('CVE-2024-21410: never patched on 2016 CU23 or 2019 CU13 (likely + note), patched from 2019 CU14, vulnerable on CU12', () => {
  for (const b of ['15.1.2507.72', '15.1.2507.6', '15.2.1258.39']) {
    const v = verdict(classify(b), 'CVE-2024-21410');
    assert.equal(v?.status, 'likely', b);
    assert.match(v?.note ?? '', /Extended Protection/);
  }
  assert.equal(status('15.2.1118.40', 'CVE-2024-21410'), 'vulnerable');
  assert.equal(status('15.2.1544.4', 'CVE-2024-21410'), 'patched');
  assert.equal(status('15.2.1748.10', 'CVE-2024-21410'), 'patched');
  assert.equal(status('15.2.2562.17', 'CVE-2024-21410'), 'patched');
});

test('2010 SP3: CVE-2021-26857 fixed by UR32 after end of support; CVE-2020-17144 by UR31', () => {
  assert.equal(status('14.3.509.0', 'CVE-2021-26857'), 'vulnerable');
  assert.equal(status('14.3.513.0', 'CVE-2021-26857'), 'patched');
  assert.equal(status('14.3.496.0', 'CVE-2020-17144'), 'vulnerable');
  assert.equal(status('14.3.509.0', 'CVE-2020-17144'), 'patched');
  assert.equal(status('14.3.509.0', 'CVE-2021-34473'), undefined, 'ProxyShell does not concern 2010');
});

test('unassessed: 2013 was past support when the 2023-09+ CVEs came out', () => {
  const c = classify('15.0.1497.48');
  for (const cve of ['CVE-2023-36745', 'CVE-2023-36439', 'CVE-2024-21410', 'CVE-2024-26198']) {
    assert.equal(verdict(c, cve)?.status, 'unassessed', cve);
    assert.match(verdict(c, cve)?.note ?? '', /past end of support/);
  }
  assert.equal(verdict(c, 'CVE-2023-21707')?.status, 'patched');
  assert.equal(verdict(c, 'CVE-2021-42321'), undefined, '2013 was supported then and not affected');
  assert.equal(classify('8.3.517.0').vulns.length, 0, '2007 shares no generation with the affected products');
});

test('CU-precision likely, and as-of: an SU not yet released makes it vulnerable instead', () => {
  assert.equal(status('15.1.2507', 'CVE-2022-41040'), 'likely');
  assert.equal(verdict(classify('15.1.2507'), 'CVE-2022-41040')?.fixedIn, '15.1.2507.16');
  assert.equal(status('15.1.2176', 'CVE-2021-26855'), 'likely');
  assert.equal(status('15.1.2242', 'CVE-2021-26855'), 'patched');
  assert.equal(status('15.2.1118', 'CVE-2022-41040', '2022-10-15'), 'vulnerable');
  assert.equal(status('15.2.1118', 'CVE-2022-41040', '2022-11-08'), 'likely');
  // The admin-display form carries the CU only.
  assert.equal(status('Version 15.1 (Build 2507.6)', 'CVE-2022-41040'), 'likely');
});

test('a CU-precision build with a revision lower bound is patched once the bound reaches the fix', () => {
  assert.equal(
    verdict(classify({ parts: [15, 1, 2507, 35], text: '15.1.2507.35', precision: 'cu' }), 'CVE-2023-36439')
      ?.status,
    'patched',
  );
  assert.equal(
    verdict(classify({ parts: [15, 1, 2507, 6], text: '15.1.2507.6', precision: 'cu' }), 'CVE-2023-36439')
      ?.status,
    'likely',
  );
});

test('as-of: 2016 CU23 supported on 2024-01-01 and on its last day; past support on 2025-10-15', () => {
  const before = classify('15.1.2507.6', '2024-01-01');
  assert.equal(before.eol, false);
  assert.equal(before.eolDate, '2025-10-14');
  assert.equal(before.daysPastEol, null);
  assert.equal(before.recommendation, 'Install Exchange Server 2016 CU23 Nov23SU (15.1.2507.35) or later');
  assert.equal(classify('15.1.2507.6', '2025-10-14').eol, false);
  const after = classify('15.1.2507.6', '2025-10-15');
  assert.equal(after.eol, true);
  assert.equal(after.daysPastEol, 1);
  assert.match(after.recommendation, /^Upgrade to Exchange Server SE\b/);
  // ESU updates do not restore support.
  assert.equal(classify('15.1.2507.72', '2026-08-20').eol, true);
  assert.equal(classify('15.1.2507.72', '2026-08-20').daysPastEol, 310);
});

test('recommendations follow the data and the date', () => {
  assert.match(
    classify('15.0.1497.2', '2024-01-01').recommendation,
    /^Upgrade to Exchange Server 2019 \(Exchange Server 2013 support ended 2023-04-11\)$/,
  );
  assert.equal(
    classify('15.2.2562.17').recommendation,
    'Install Exchange Server SE RTM Aug26SU (15.2.2562.46) or later',
  );
  assert.match(classify('15.2.2562.46').recommendation, /^No action/);
  assert.equal(
    classify('15.2.2562.29', '2025-11-01').recommendation,
    'No action: at or above the latest update as of 2025-11-01 (Exchange Server SE RTM Oct25SU)',
  );
});

test('Exchange SE shares 15.2: builds from 2562 are SE, below are 2019; 15.2 alone is ambiguous', () => {
  assert.equal(classify('15.2.2562.17').product, 'Exchange Server SE');
  assert.equal(classify('15.2.2562.17').release, 'Exchange Server SE RTM');
  assert.equal(classify('15.2.2562.17').eol, false);
  assert.equal(classify('15.2.1748.10').product, 'Exchange Server 2019');
  assert.equal(classify('15.2.2561.1').product, 'Exchange Server 2019');
  const amb = classify('15.2');
  assert.equal(amb.product, null);
  assert.match(amb.note ?? '', /Exchange Server 2019 and Exchange Server SE/);
});

test('15.20+ is Exchange Online, not on-premises and not 2019', () => {
  const c = classify('15.20.7452.28');
  assert.equal(c.product, 'Exchange Online');
  assert.equal(c.onPremises, false);
  assert.equal(c.vulns.length, 0);
  assert.equal(c.eol, false);
});

test('reported revisions that differ from the table: 2019 CU9 as 15.2.858.2, 2007 SP3 OWA 8.3.83.4', () => {
  const cu9 = classify('15.02.0858.002');
  assert.equal(cu9.build, '15.2.858.2');
  assert.equal(cu9.release, 'Exchange Server 2019 CU9');
  assert.equal(cu9.exact, false);
  assert.match(cu9.note ?? '', /15\.2\.858\.5/);
  assert.equal(verdict(cu9, 'CVE-2021-26855')?.status, 'patched', 'CU9 shipped with the ProxyLogon fix');
  assert.equal(verdict(cu9, 'CVE-2021-34473')?.status, 'vulnerable');
  const sp3 = classify('8.3.83.4');
  assert.equal(sp3.release, 'Exchange Server 2007 SP3');
  assert.equal(sp3.exact, false);
  assert.match(sp3.note ?? '', /8\.3\.83\.6/);
});

test('2007/2010 rollups change the third part: an unlisted build sits at the rollup below it', () => {
  const c = classify('14.3.500.0');
  assert.equal(c.release, 'Update Rollup 30 for Exchange Server 2010 SP3');
  assert.equal(c.exact, false);
  assert.match(c.note ?? '', /14\.3\.496\.0/);
  assert.equal(classify('14.3.224.2').release, 'Update Rollup 8 v2 for Exchange Server 2010 SP3');
  assert.equal(classify('8.3.279.6').release, 'Update Rollup 8-v3 for Exchange Server 2007 SP3');
});

test('Learn typos: 2010 SP2 UR5 listed as 14.3.328.5 and 2003 SP2 as 6.5.7683; both real values resolve', () => {
  assert.equal(classify('14.3.328.5').release, 'Update Rollup 5 for Exchange Server 2010 SP2');
  assert.equal(classify('14.2.328.5').release, 'Update Rollup 5 for Exchange Server 2010 SP2');
  assert.equal(classify('14.2.328.10').release, 'Update Rollup 5 v2 for Exchange Server 2010 SP2');
  assert.equal(classify('6.5.7638').release, 'Exchange Server 2003 SP2');
  assert.equal(classify('6.5.7683').release, 'Exchange Server 2003 SP2');
});

test('builds newer than the table are at least the latest known, never unknown', () => {
  const se = classify('15.2.2562.49');
  assert.equal(se.product, 'Exchange Server SE');
  assert.equal(se.release, 'Exchange Server SE RTM Aug26SU');
  assert.equal(se.exact, false);
  assert.match(se.note ?? '', /at least/);
  const next = classify('15.2.2600.5');
  assert.equal(next.release, 'Exchange Server SE RTM Aug26SU');
  assert.ok(next.vulns.every((v) => v.status === 'patched'));
  const between = classify('15.1.2507.50');
  assert.equal(between.release, 'Exchange Server 2016 CU23 Nov24SUv2');
  assert.match(between.note ?? '', /nearest release at or below/);
});

test('month-only dates and approximate end dates come with notes', () => {
  assert.equal(classify('8.3.445.0').releaseDate, '2015-12');
  const old = classify('4.0.837');
  assert.equal(old.eol, true);
  assert.match(old.note ?? '', /approximate/);
});

test('product precision: 15.1 is 2016 with release unknown; an unknown 15.x line is unknown for every CVE', () => {
  const p = classify('15.1');
  assert.equal(p.precision, 'product');
  assert.equal(p.product, 'Exchange Server 2016');
  assert.equal(p.release, null);
  assert.equal(verdict(p, 'CVE-2021-26855')?.status, 'likely');
  assert.equal(verdict(p, 'CVE-2024-21410')?.status, 'likely');
  const u = classify('15.5.10.1');
  assert.equal(u.product, null);
  assert.ok(u.vulns.length > 0 && u.vulns.every((v) => v.status === 'unknown'));
});

test('results are shared and frozen: no caller can change the next answer', () => {
  const a = classify('15.1.2507.6');
  assert.throws(() => {
    a.vulns.length = 0;
  }, TypeError);
  assert.throws(() => {
    a.release = 'changed';
  }, TypeError);
  const b = classify('15.1.2507.6');
  assert.equal(b, a, 'one object per build and date');
  assert.equal(b.release, 'Exchange Server 2016 CU23 (2022H1)');
  assert.ok(b.vulns.length > 20);
  assert.deepEqual(classify('15.1.2507.6', '2024-01-01').eol, false, 'as-of is part of the answer');
});
