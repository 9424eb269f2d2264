// The dashboard in headless Chromium (playwright-core driving Debian's chromium): pages load with
// no console errors and no request leaving the server, map and charts render, a filter and a
// drill-down change the numbers to what the API returns, pagination and permalinks work, and a
// store of hostile records shows them as text. Screenshots of every page at 1400 and 400 px go
// to test-results/dashboard/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openStore, type Store } from '../../src/store/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { repoRoot } from '../helpers/cli.js';
import { HOSTILE, makeStore, type Fixture } from './fixture.js';

const CHROMIUM = process.env.EXCENSUS_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = join(repoRoot, 'test-results', 'dashboard');
const AS_OF = '2026-12-01';
const skip = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`;

describe('excensus serve in a browser', { skip }, () => {
  let fx: Fixture;
  let store: Store;
  let srv: RunningServer;
  let browser: Browser;
  const problems: string[] = [];
  const dialogs: string[] = [];
  const outside: string[] = [];

  async function open(path: string, width = 1400): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${path}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${path}: ${e.message}`));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(srv.url) && !r.url().startsWith('data:')) outside.push(r.url());
    });
    await page.goto(new URL(path, srv.url).href, { waitUntil: 'load' });
    return page;
  }

  /** The fields of the API's answers these checks read. */
  interface CensusRow {
    exchange: number;
    eol: number;
    vulnerable: Record<string, number>;
    likely: Record<string, number>;
  }
  interface HostPage {
    total: number;
    hosts: Array<{ ip: string }>;
  }

  async function api<T extends CensusRow[] | HostPage = CensusRow[]>(path: string): Promise<T> {
    const res = await fetch(new URL(path, srv.url));
    assert.equal(res.status, 200, path);
    return (await res.json()) as T;
  }

  async function tile(page: Page, key: string): Promise<number> {
    const text = await page.locator(`[data-tile="${key}"] .value`).innerText();
    return Number(text.replaceAll(',', ''));
  }

  before(async () => {
    fx = await makeStore({ hosts: 400, hostileRecords: true });
    store = await openStore(fx.path, { create: false });
    srv = await startServer({
      store,
      host: '127.0.0.1',
      port: 0,
      token: null,
      today: () => AS_OF,
      log: (l) => problems.push(l),
    });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
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
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
    await store?.close();
    fx?.cleanup();
  });

  it('draws the overview: tiles equal the API, map and charts render', async () => {
    const page = await open('/');
    const total = (await api(`/api/census?as_of=${AS_OF}`))[0]!;
    assert.equal(await tile(page, 'exchange'), total.exchange);
    assert.equal(await tile(page, 'eol'), total.eol);
    assert.equal(await tile(page, 'vulnerable-ProxyLogon'), total.vulnerable.ProxyLogon);
    assert.equal(await tile(page, 'likely-ProxyShell'), total.likely.ProxyShell);
    assert.ok((await page.locator('#world-map path.country').count()) > 170);
    const de = await page.locator('#world-map path[data-cc="DE"]').boundingBox();
    assert.ok(de && de.width > 0, 'Germany drawn');
    assert.ok((await page.locator('#continent-chart .bar').count()) >= 3);
    assert.ok((await page.locator('#product-chart .bar').count()) >= 2);
    assert.equal(await page.locator('#trend-chart polyline').count(), 3);
    await page.close();
  });

  it("changes the numbers to the API's under a filter and down the drill-down", async () => {
    const page = await open('/');
    await page.selectOption('select[name="family"]', 'ProxyLogon');
    await page.waitForURL(/family=ProxyLogon/);
    const fam = (await api(`/api/census?as_of=${AS_OF}&family=ProxyLogon`))[0]!;
    assert.equal(await tile(page, 'exchange'), fam.exchange);
    // map click: Germany
    await page.locator('#world-map path[data-cc="DE"]').click();
    await page.waitForURL(/country=DE/);
    const de = (await api(`/api/census?as_of=${AS_OF}&family=ProxyLogon&country=DE`))[0]!;
    assert.equal(await tile(page, 'exchange'), de.exchange);
    const nets = await api(`/api/census?as_of=${AS_OF}&family=ProxyLogon&country=DE&by=asn`);
    assert.equal(await page.locator('#drill tbody tr').count(), nets.filter((r) => r.exchange > 0).length);
    // down to a network, then its hosts
    await page.locator('#drill tbody tr a').first().click();
    await page.waitForURL(/asn=\d+/);
    const asn = new URL(page.url()).searchParams.get('asn');
    const hosts = await api<HostPage>(
      `/api/hosts?as_of=${AS_OF}&family=ProxyLogon&country=DE&asn=${asn}&limit=20`,
    );
    assert.equal(await page.locator('#drill tbody tr').count(), hosts.hosts.length);
    assert.equal(await page.locator('#drill tbody tr td').first().innerText(), hosts.hosts[0]!.ip);
    // a permalink restores the view
    const again = await open(page.url().slice(srv.url.length - 1));
    assert.equal(await again.locator('select[name="family"]').inputValue(), 'ProxyLogon');
    assert.equal(await again.locator('input[name="country"]').inputValue(), 'DE');
    assert.equal(
      await tile(again, 'exchange'),
      (await api(`/api/census?as_of=${AS_OF}&family=ProxyLogon&country=DE&asn=${asn}`))[0]!.exchange,
    );
    await page.close();
    await again.close();
  });

  it('pages and sorts the host table on the server', async () => {
    const page = await open('/hosts?limit=20&sort=-country');
    const first = await api<HostPage>('/api/hosts?limit=20&sort=-country');
    assert.equal(await page.locator('#hosts tbody tr').count(), 20);
    assert.equal(await page.locator('#hosts tbody tr td').first().innerText(), first.hosts[0]!.ip);
    await page.locator('a.next').first().click();
    await page.waitForURL(/offset=20/);
    const second = await api<HostPage>('/api/hosts?limit=20&sort=-country&offset=20');
    assert.equal(await page.locator('#hosts tbody tr td').first().innerText(), second.hosts[0]!.ip);
    assert.match(
      await page.locator('.pager .pos').first().innerText(),
      new RegExp(`page 2 of ${Math.ceil(first.total / 20)}`),
    );
    await page.locator('th a', { hasText: /^Port/ }).click();
    await page.waitForURL(/sort=port/);
    assert.doesNotMatch(page.url(), /offset=/);
    await page.close();
  });

  it('shows hostile records as text: no dialog, no script, no broken layout', async () => {
    for (const width of [1400, 400]) {
      for (const path of [
        '/hosts?scan=census-2&country=NL',
        '/host?scan=census-2&ip=198.19.0.1&port=443',
        '/host?scan=census-2&ip=198.19.0.6&port=443',
        '/networks?scan=census-2',
        '/builds?scan=census-2',
      ]) {
        const page = await open(path, width);
        assert.equal(await page.locator('script').count(), 1, path);
        assert.equal(await page.locator('main img, main iframe, main object').count(), 0, path);
        const text = await page.locator('main').innerText();
        if (path.startsWith('/hosts')) {
          assert.ok(text.includes(HOSTILE.script), 'script tag shown as text');
          assert.ok(text.includes(HOSTILE.img), 'img tag shown as text');
          assert.ok(
            text.includes('⟨U+202E⟩gnp.exe⟨U+202C⟩'),
            'a right-to-left override is shown, not obeyed',
          );
          assert.ok(text.includes('⟨U+001B⟩[31mred'), 'an ANSI escape is shown, not kept');
        }
        const overflow = (await page.evaluate(
          'document.documentElement.scrollWidth - window.innerWidth',
        )) as number;
        assert.ok(overflow <= 1, `${path} at ${width}px overflows by ${overflow}px`);
        await page.close();
      }
    }
    assert.deepEqual(dialogs, []);
  });

  it('writes screenshots of every page at 1400 and 400 px', async () => {
    const pages: Array<[string, string]> = [
      ['overview', '/'],
      ['drill-country', '/?country=DE'],
      ['hosts', '/hosts'],
      ['host', '/host?ip=198.18.0.2&port=443'],
      ['builds', '/builds'],
      ['networks', '/networks'],
      ['trend', '/trend?as_of=2024-12-01'],
      ['diff', '/diff?a=census-1&b=census-2'],
      ['scans', '/scans'],
      ['hostile', '/hosts?scan=census-2&country=NL'],
    ];
    for (const width of [1400, 400]) {
      for (const [name, path] of pages) {
        const page = await open(path, width);
        await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: name !== 'hostile' });
        await page.close();
      }
    }
    assert.ok(existsSync(join(SHOTS, 'overview-1400.png')));
    assert.deepEqual(problems, []);
    assert.deepEqual(outside, []);
  });
});
