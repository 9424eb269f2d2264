// The upstream parsers on the saved copies, one quirk at a time: names, dates and long-form builds
// of the build list, MSRC product names, the CVRF document list, KEV's vendor filter, the
// endoflife.date front matter and CSS-Exchange's tables; and the downloader's redirects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadSourcesConfig } from '../../../src/kb/update/config.js';
import { parseBuildList, parseBuildName, usDate } from '../../../src/kb/update/build-list.js';
import { placeProduct } from '../../../src/kb/update/cvrf-fixes.js';
import { monthOf, parseCvrfIndex, selectDocuments } from '../../../src/kb/update/cvrf-index.js';
import { parseKev } from '../../../src/kb/update/kev.js';
import { parseLifecyclePage } from '../../../src/kb/update/lifecycle-page.js';
import { parseCssBuilds } from '../../../src/kb/update/css-builds.js';
import { parseCssCves } from '../../../src/kb/update/css-cves.js';
import { download } from '../../../src/kb/update/download.js';
import { fixtures } from './helpers.js';

const cfg = loadSourcesConfig().sources;
const read = (p: string): string => readFileSync(join(fixtures, p), 'utf8');

test('build list: every row reads; long forms normalised; kinds, levels and KB numbers', () => {
  const list = parseBuildList(read('get-exchangebuildnumber/ExchangeBuildNumbers.csv'), cfg.builds, 'list');
  assert.equal(list.rows.length, 340);
  assert.deepEqual(list.skipped, []);
  const kinds: Record<string, number> = {};
  for (const r of list.rows) kinds[r.kind] = (kinds[r.kind] ?? 0) + 1;
  assert.deepEqual(kinds, { RTM: 6, RU: 107, SP: 7, CU: 60, SU: 144, Preview: 2, HU: 14 });
  const by = (b: string) => list.rows.find((r) => r.build === b);
  assert.equal(by('15.1.2242.4')?.name, 'Exchange 2016 CU20', 'zero-padded 15.01.2242.004');
  assert.equal(by('15.2.2562.46')?.kb, '5121573');
  assert.equal(by('15.2.1258.12')?.level, 'CU13', 'the (2023H1) tag is no level');
  assert.equal(by('15.2.1258.12')?.release, 'Exchange Server 2019 CU13 (2023H1)');
  assert.equal(by('14.3.123.4')?.kind, 'SP', '"SP3 RTM" is the service pack itself');
  assert.equal(by('8.0.708.3')?.level, 'RTM', 'a 2007 rollup without a level belongs to the first release');
  assert.equal(list.rows.filter((r) => r.kb === null).length, 19);
});

test('build list names and dates', () => {
  assert.deepEqual(parseBuildName('Exchange 2019 CU14 Nov24SUv2', cfg.builds), {
    product: 'Exchange Server 2019',
    level: 'CU14',
    release: 'Exchange Server 2019 CU14 Nov24SUv2',
    kind: 'SU',
  });
  assert.deepEqual(parseBuildName('Exchange 2010 SP3 RU8v2', cfg.builds), {
    product: 'Exchange Server 2010',
    level: 'SP3',
    release: 'Exchange Server 2010 SP3 RU8v2',
    kind: 'RU',
  });
  assert.match(
    String(parseBuildName('Exchange 2019 CU14 Nov24XU', cfg.builds)),
    /unknown kind of update "Nov24XU"/,
  );
  assert.match(
    String(parseBuildName('Exchange 2019 CU14 Nov24SU extra', cfg.builds)),
    /unexpected words "extra"/,
  );
  assert.equal(usDate('8/11/2026'), '2026-08-11');
  assert.equal(usDate('02/14/2023'), '2023-02-14');
  assert.equal(usDate('2/30/2023'), null);
  assert.equal(usDate('2023-02-14'), null);
});

test('MSRC product names: product and release level, or why not', () => {
  assert.deepEqual(placeProduct('Microsoft Exchange Server 2019 Cumulative Update 14', cfg.cvrf), {
    product: 'Exchange Server 2019',
    level: 'CU14',
  });
  assert.deepEqual(placeProduct('Microsoft Exchange Server 2019', cfg.cvrf), {
    product: 'Exchange Server 2019',
    level: 'RTM',
  });
  assert.deepEqual(placeProduct('Microsoft Exchange Server 2013 Service Pack 1', cfg.cvrf), {
    product: 'Exchange Server 2013',
    level: 'SP1',
  });
  assert.deepEqual(placeProduct('Microsoft Exchange Server Subscription Edition RTM', cfg.cvrf), {
    product: 'Exchange Server SE',
    level: 'RTM',
  });
  assert.match(
    String(placeProduct('Microsoft Exchange Server 2019 Feature Pack 2', cfg.cvrf)),
    /unknown release "Feature Pack 2"/,
  );
});

test('the CVRF document list: month documents from the configured first, oldest first', () => {
  const index = parseCvrfIndex(read('msrc-cvrf/updates.json'), cfg.cvrf_index, 'updates.json');
  assert.equal(index.length, 190);
  const chosen = selectDocuments(
    index.map((e) => e.id),
    cfg.cvrf_index,
  );
  assert.equal(chosen[0], '2021-Mar');
  assert.equal(chosen[chosen.length - 1], '2026-Jul');
  assert.equal(chosen.length, 65);
  assert.ok(!chosen.includes('2017-May-B') && !chosen.includes('2018-FEB'));
  assert.equal(monthOf('2026-Jun', cfg.cvrf_index), 202606);
  assert.equal(monthOf('1999-Sep', cfg.cvrf_index), 199909);
});

test('KEV keeps Microsoft Exchange entries only, with ransomware use', () => {
  const text = read('kev-data/known_exploited_vulnerabilities.exchange-only.json');
  const kev = parseKev(text, cfg.kev, 'kev');
  assert.equal(kev.entries.length, 17);
  assert.equal(
    kev.entries.find((e) => e.cve === 'CVE-2021-42321')?.dateAdded,
    '2021-11-17',
    'product "Exchange"',
  );
  assert.equal(kev.entries.find((e) => e.cve === 'CVE-2022-41082')?.ransomware, true);
  const doc = JSON.parse(text) as { vulnerabilities: Record<string, unknown>[] };
  doc.vulnerabilities.push({
    ...doc.vulnerabilities[0],
    cveID: 'CVE-2099-0001',
    vendorProject: 'Cisco',
    product: 'IOS',
  });
  doc.vulnerabilities.push({
    ...doc.vulnerabilities[0],
    cveID: 'CVE-2099-0002',
    product: 'Malware Protection Engine',
  });
  assert.equal(parseKev(JSON.stringify(doc), cfg.kev, 'kev').entries.length, 17);
});

test('endoflife.date: dates or booleans per cycle, mapped to products', () => {
  const { cycles, skipped } = parseLifecyclePage(read('endoflife-date/msexchange.md'), cfg.lifecycle, 'eol');
  assert.deepEqual(skipped, []);
  assert.equal(cycles.length, 11);
  const se = cycles.find((c) => c.product === 'Exchange Server SE');
  assert.deepEqual(se, {
    product: 'Exchange Server SE',
    releaseDate: '2025-07-01',
    mainstreamEnd: null,
    extendedEnd: null,
    latest: '15.2.2562.46',
    latestDate: '2026-08-11',
  });
  assert.equal(cycles.find((c) => c.product === 'Exchange Server 2019')?.extendedEnd, '2025-10-14');
});

test('CSS-Exchange: the build dictionary and the SU table with its product variables', () => {
  const builds = parseCssBuilds(
    read('css-exchange/Get-ExchangeBuildVersionInformation.ps1'),
    cfg.css_builds,
    'css',
  );
  assert.equal(builds.length, 280);
  assert.deepEqual(
    builds.find((b) => b.update === 'Feb26SU' && b.product === 'Exchange Server 2016'),
    { product: 'Exchange Server 2016', cu: 'CU23', update: 'Feb26SU', build: '15.1.2507.66' },
  );
  const cves = parseCssCves(read('css-exchange/Invoke-AnalyzerSecurityCveCheck.ps1'), cfg.css_cves, 'css');
  const mar21 = cves.filter((e) => e.update === 'Mar21SU');
  assert.equal(mar21.length, 1);
  assert.deepEqual(mar21[0]?.products, [
    'Exchange Server 2013',
    'Exchange Server 2016',
    'Exchange Server 2019',
  ]);
  assert.equal(mar21[0]?.cves.length, 7);
  const nov21 = cves.filter((e) => e.update === 'Nov21SU');
  assert.deepEqual(
    nov21.map((e) => [e.cves, e.products.length]),
    [
      [['CVE-2021-42305', 'CVE-2021-41349'], 3],
      [['CVE-2021-42321'], 2],
    ],
  );
  assert.deepEqual(cves.find((e) => e.update === 'Feb26SU')?.products, [
    'Exchange Server 2016',
    'Exchange Server 2019',
    'Exchange Server SE',
  ]);
});

test('downloads follow a redirect on loopback and refuse a redirect loop', async () => {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    if (req.url === '/old') res.writeHead(301, { location: '/new' }).end();
    else if (req.url === '/loop') res.writeHead(302, { location: '/loop' }).end();
    else res.writeHead(200).end('moved here');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const opts = { timeoutMs: 5000, maxBytes: 1024, userAgent: 'test' };
    const got = await download(`${base}/old`, opts);
    assert.equal(got.text, 'moved here');
    assert.equal(got.url, `${base}/new`);
    await assert.rejects(download(`${base}/loop`, opts), /more than 5 redirects/);
    assert.equal(hits, 2 + 6);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
