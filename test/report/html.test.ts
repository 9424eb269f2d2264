/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';
import { addScan, fleet, makeRecord, tempStore, type TempStore } from './records.js';

const CHROMIUM = '/usr/bin/chromium';
/** Screenshots of the report at 1400 and 400 px, kept for a person to look at (git-ignored). */
const SHOTS = join(repoRoot, 'test-output', 'html-report');
const HOSTILE = '<img src=x onerror=alert(1)>';

describe('HTML report', () => {
  let t: TempStore;
  let html = '';
  before(async () => {
    t = await tempStore();
    const apr = fleet().concat([
      makeRecord({
        ip: '192.0.2.50',
        build: 'e2013',
        country: 'BR',
        continent: 'SA',
        asn: 64501,
        org: HOSTILE,
      }),
    ]);
    await addScan(t.store, { name: 'apr', startedAt: '2026-04-01T00:00:00Z' }, apr);
    await addScan(
      t.store,
      { name: '<script>alert("scan")</script>', startedAt: '2026-11-01T00:00:00Z' },
      fleet().slice(2),
    );
    const r = await runCli([
      'report',
      '--db',
      t.path,
      '--format',
      'html',
      '--by',
      'asn',
      '--scan',
      'apr',
      '--as-of',
      '2026-01-01',
    ]);
    assert.equal(r.code, 0, r.stderr);
    html = r.stdout;
  });
  after(async () => t.cleanup());

  it('is one self-contained file: no scripts, no external references, a CSP that forbids loading', () => {
    assert.match(html, /^<!doctype html>/);
    assert.doesNotMatch(
      html,
      /<[^>]*https?:\/\//i,
      'no tag carries a URL (the attribution names sites in text only)',
    );
    assert.doesNotMatch(html, /<(script|link|img|iframe|object|embed)\b/i);
    assert.doesNotMatch(html, /<[a-z][^>]*\s(src|href|xlink:href)\s*=/i, 'no element loads anything');
    assert.doesNotMatch(html, /url\(|@import/i);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  });

  it('escapes hostile names (AS organisations) and draws the map and charts', () => {
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'), 'org name escaped');
    assert.match(html, /<svg id="world-map"/);
    const countries = html.match(/<path class="country"/g) ?? [];
    assert.ok(countries.length > 170, `map has ${countries.length} shapes`);
    assert.match(html, /data-cc="DE" data-n="3"/);
    assert.match(html, /data-cc="BR" data-n="1"/);
    assert.match(html, /data-cc="XK" data-n="0"/, 'Kosovo joined by name');
    assert.match(html, /<div id="continent-chart"[^>]*>.*South America/s);
    assert.match(html, /<div id="product-chart"/);
    assert.match(html, /<svg id="trend-chart".*<polyline/s);
    // the second colour of the bars is explained; the map's key says its unit and its ranges
    assert.match(html, /<p class="key">.*on-premises Exchange servers.*of which past end of support/);
    assert.match(html, /id="map-legend"><span class="unit">on-premises Exchange servers per country:/);
    assert.match(html, /<span class="range">[^<]*<span class="swatch"[^>]*><\/span>2<\/span>/);
    // scans on the trend's axis by date and name
    assert.match(html, /<text[^>]*>2026-04-01<\/text><text[^>]*>apr<\/text>/);
    assert.match(html, /<footer>.*As of 2026-01-01.*ip-location-db.*CC BY 4\.0/s);
  });

  it('escapes the scan name in the trend of the series', async () => {
    const r = await runCli(['report', '--db', t.path, '--format', 'html', '--as-of', '2026-01-01']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /<script/);
    assert.ok(r.stdout.includes('&lt;script&gt;alert(&quot;scan&quot;)&lt;/script&gt;'));
  });

  it(
    'renders in headless Chromium without console errors or requests',
    {
      skip: existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`,
    },
    async () => {
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
      try {
        const page = await browser.newPage();
        const problems: string[] = [];
        const requests: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
        });
        page.on('pageerror', (e) => problems.push(e.message));
        page.on('request', (req) => requests.push(req.url()));
        await page.setContent(html, { waitUntil: 'load' });
        assert.deepEqual(problems, []);
        assert.deepEqual(
          requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:')),
          [],
        );
        const map = await page.locator('#world-map').boundingBox();
        assert.ok(map && map.width > 300 && map.height > 100, `map box ${JSON.stringify(map)}`);
        assert.ok((await page.locator('#world-map path.country').count()) > 170);
        const de = await page.locator('#world-map path[data-cc="DE"]').boundingBox();
        assert.ok(de && de.width > 0, 'Germany drawn');
        assert.ok((await page.locator('#continent-chart .bar').count()) >= 2);
        assert.ok((await page.locator('#product-chart .part').count()) >= 2);
        assert.equal(await page.locator('#trend-chart polyline').count(), 3);
        assert.equal(await page.title(), 'Exchange census: apr');
      } finally {
        await browser.close();
      }
    },
  );
});

it('the dashboard stylesheet carries the bar chart rules (CHART_CSS)', async () => {
  const { CHART_CSS } = await import('../../src/report/html/charts.js');
  const { readFileSync } = await import('node:fs');
  const squeeze = (css: string) =>
    css
      .replace(/\s+/g, '')
      .replace(/;}/g, '}')
      .replace(/(^|[^0-9])0\./g, '$1.');
  const app = squeeze(readFileSync(join(repoRoot, 'assets/dashboard/app.css'), 'utf8'));
  for (const rule of CHART_CSS.match(/[^{}]+\{[^{}]*\}/g) ?? [])
    assert.ok(app.includes(squeeze(rule.replace(/^@media[^{]*\{/, ''))), `app.css lacks ${rule}`);
});

describe('HTML report: one scan, no geo, made-up geo', () => {
  let t: TempStore;
  before(async () => {
    t = await tempStore();
    // no country on any record; the scan's geo (had it any) came from the lab's ground truth
    const bare = fleet().map((r) => ({ ...r, geo: undefined }) as typeof r);
    await addScan(
      t.store,
      { name: 'only', startedAt: '2026-05-01T00:00:00Z', options: { made_up_geo: true } },
      bare,
    );
  });
  after(async () => t.cleanup());

  it('says "one scan: no trend yet", that there is no map, and that the geo is made up', async () => {
    const r = await runCli(['report', '--db', t.path, '--format', 'html', '--as-of', '2026-01-01']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /<p class="empty" id="trend-chart">One scan: no trend yet \(2026-05-01, only\)/);
    assert.doesNotMatch(r.stdout, /<circle/);
    assert.match(r.stdout, /<p class="empty" id="world-map">No server in this census has a known country/);
    assert.doesNotMatch(r.stdout, /<path class="country"/);
    assert.match(r.stdout, /id="geo-note">Countries and networks in this scan are made up/);
  });
});

describe(
  'HTML report in a browser at 1400 and 400 px',
  { skip: existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM} (apt-get install -y chromium)` },
  () => {
    let t: TempStore;
    let html = '';
    before(async () => {
      t = await tempStore();
      const many = fleet().concat(
        ['BR', 'AR', 'IN', 'AU', 'ZA'].map((country, i) =>
          makeRecord({
            ip: `203.0.113.${i + 1}`,
            build: 'e2016cu23',
            country,
            continent: 'SA',
            asn: 64600 + i,
            org: 'An Operator With A Rather Long Organisation Name Ltd',
          }),
        ),
      );
      await addScan(
        t.store,
        { name: 'census-2026-04-spring-long-name', startedAt: '2026-04-01T00:00:00Z' },
        many,
      );
      await addScan(t.store, { name: 'census-2026-11', startedAt: '2026-11-01T00:00:00Z' }, fleet().slice(3));
      const r = await runCli([
        'report',
        '--db',
        t.path,
        '--format',
        'html',
        '--scan',
        'census-2026-04-spring-long-name',
        '--by',
        'country,asn',
        '--as-of',
        '2026-01-01',
      ]);
      assert.equal(r.code, 0, r.stderr);
      html = r.stdout;
      mkdirSync(SHOTS, { recursive: true });
      writeFileSync(join(SHOTS, 'report.html'), html);
    });
    after(async () => t.cleanup());

    for (const width of [1400, 400])
      it(`at ${width} px: no sideways scroll, legend and keys shown, chart text >= 11 px`, async () => {
        const { chromium } = await import('playwright-core');
        const browser = await chromium.launch({
          executablePath: CHROMIUM,
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--no-first-run',
          ],
        });
        try {
          const page = await browser.newPage({ viewport: { width, height: 900 } });
          await page.setContent(html, { waitUntil: 'load' });
          await page.screenshot({ path: join(SHOTS, `report-${width}.png`), fullPage: true });
          const scroll = await page.evaluate(() => ({
            page: document.documentElement.scrollWidth,
            view: window.innerWidth,
          }));
          assert.ok(scroll.page <= scroll.view, `page ${scroll.page} px wide in a ${scroll.view} px window`);
          assert.ok(await page.locator('#map-legend').isVisible());
          assert.ok((await page.locator('#map-legend .range').count()) >= 3);
          assert.equal(await page.locator('.key').count(), 3, 'two bar keys and the trend key');
          // the smallest text any chart draws, in CSS pixels as shown
          const smallest = await page.evaluate(() => {
            let min = Infinity;
            for (const el of document.querySelectorAll('svg text, .bars span, .key, .legend')) {
              const box = el.getBoundingClientRect();
              if (box.width === 0) continue;
              const size = parseFloat(getComputedStyle(el).fontSize);
              const svg = el.closest('svg');
              // SVG text scales with its viewBox
              const scale = svg ? svg.getBoundingClientRect().width / svg.viewBox.baseVal.width : 1;
              min = Math.min(min, size * scale);
            }
            return min;
          });
          assert.ok(smallest >= 11, `smallest chart text ${smallest.toFixed(1)} px`);
          // trend labels are not clipped: every tick lies inside the chart
          const clipped = await page.evaluate(() => {
            const svg = document.querySelector('#trend-chart')!.getBoundingClientRect();
            return [...document.querySelectorAll('#trend-chart .tick text')].filter((t) => {
              const b = t.getBoundingClientRect();
              return b.left < svg.left - 0.5 || b.right > svg.right + 0.5 || b.bottom > svg.bottom + 0.5;
            }).length;
          });
          assert.equal(clipped, 0, 'trend labels inside the chart');
        } finally {
          await browser.close();
        }
      });
  },
);
