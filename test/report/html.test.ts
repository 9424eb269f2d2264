import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { runCli } from '../helpers/cli.js';
import { addScan, fleet, makeRecord, tempStore, type TempStore } from './records.js';

const CHROMIUM = '/usr/bin/chromium';
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
    assert.match(html, /<svg id="continent-chart"[^>]*>.*South America/s);
    assert.match(html, /<svg id="product-chart"/);
    assert.match(html, /<svg id="trend-chart".*<polyline/s);
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
        assert.ok((await page.locator('#continent-chart rect').count()) >= 4);
        assert.ok((await page.locator('#product-chart rect').count()) >= 4);
        assert.equal(await page.locator('#trend-chart polyline').count(), 3);
        assert.equal(await page.title(), 'Exchange census: apr');
      } finally {
        await browser.close();
      }
    },
  );
});
