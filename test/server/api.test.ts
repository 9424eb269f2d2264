// The dashboard's JSON API and its guards, over a real SQLite store and a real HTTP server on
// loopback: the census equals `report --by X --json`, shapes match docs/api.md, bad parameters
// are 400s, hostile values stay escaped, and the token gate holds.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../../src/store/index.js';
import { readOnlyStore } from '../../src/run/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { CSP } from '../../src/server/security.js';
import { runCli } from '../helpers/cli.js';
import { HOSTILE, makeStore, type Fixture } from './fixture.js';
import { get } from './http.js';

const AS_OF = '2026-12-01';

describe('excensus serve: API', () => {
  let fx: Fixture;
  let store: Store;
  let srv: RunningServer;
  const logged: string[] = [];
  before(async () => {
    fx = await makeStore({ hostileRecords: true });
    store = await openStore(fx.path, { create: false });
    srv = await startServer({
      store,
      host: '127.0.0.1',
      port: 0,
      token: null,
      today: () => AS_OF,
      log: (l) => logged.push(l),
    });
  });
  after(async () => {
    await srv.close();
    await store.close();
    fx.cleanup();
  });

  it('serves /api/census with the rows, fields and numbers of report --by X --json', async () => {
    for (const by of ['continent', 'country', 'asn', 'product,release', 'family', 'eol']) {
      for (const filter of ['', '&country=DE', '&eol=1', '&family=ProxyLogon&continent=EU']) {
        const cli = await runCli([
          'report',
          '--db',
          fx.path,
          '--scan',
          'census-1',
          '--by',
          by,
          '--json',
          '--as-of',
          AS_OF,
          ...filter
            .split('&')
            .filter(Boolean)
            .flatMap((kv) => {
              const [k, v] = kv.split('=');
              return k === 'eol' ? ['--eol'] : [`--${k}`, v!];
            }),
        ]);
        assert.equal(cli.code, 0, cli.stderr);
        const want = cli.stdout
          .trim()
          .split('\n')
          .filter(Boolean)
          // the CLI's JSON Lines carry schema_version on each line; the API's array does not
          .map((l) => {
            const { schema_version: _, ...row } = JSON.parse(l) as Record<string, unknown>;
            return row;
          });
        const res = await get(srv.url, `/api/census?scan=census-1&by=${by}&as_of=${AS_OF}${filter}`);
        assert.equal(res.status, 200, res.body);
        assert.match(String(res.headers['content-type']), /^application\/json/);
        assert.deepEqual(JSON.parse(res.body), want, `by=${by}${filter}`);
        // asked again, the kept answer; for the other scan, its own numbers
        const again = await get(srv.url, `/api/census?scan=census-1&by=${by}&as_of=${AS_OF}${filter}`);
        assert.equal(again.body, res.body);
        const other = await get(srv.url, `/api/census?scan=census-2&by=${by}&as_of=${AS_OF}${filter}`);
        assert.notEqual(other.body, res.body);
      }
    }
  });

  it('pages /api/hosts in the documented shape, sorted and filtered', async () => {
    const all = JSON.parse((await get(srv.url, '/api/hosts?scan=census-2&limit=500')).body);
    assert.deepEqual(Object.keys(all), ['scan', 'as_of', 'total', 'limit', 'offset', 'hosts']);
    assert.equal(all.scan, 'census-2');
    assert.equal(all.as_of, AS_OF);
    assert.deepEqual(Object.keys(all.hosts[0]).sort(), [
      'asn',
      'asn_org',
      'build',
      'confidence',
      'continent',
      'country',
      'eol_date',
      'evidence',
      'hostname',
      'ip',
      'is_exchange',
      'likely',
      'observed_at',
      'port',
      'product',
      'release',
      'source',
      'status',
      'suspect',
      'vulnerable',
    ]);
    assert.equal(all.hosts.length, all.total);
    assert.ok(all.hosts.every((h: { is_exchange: boolean }) => h.is_exchange));
    // pages put together give the whole list, in order
    const pieces: unknown[] = [];
    for (let offset = 0; offset < all.total; offset += 40) {
      const page = JSON.parse(
        (await get(srv.url, `/api/hosts?scan=census-2&limit=40&offset=${offset}`)).body,
      );
      assert.equal(page.total, all.total);
      pieces.push(...page.hosts);
    }
    assert.deepEqual(pieces, all.hosts);
    const de = JSON.parse(
      (await get(srv.url, '/api/hosts?scan=census-2&country=de&sort=-asn&limit=500')).body,
    );
    assert.ok(de.total > 0);
    assert.ok(de.hosts.every((h: { country: string }) => h.country === 'DE'));
    const asns = de.hosts.map((h: { asn: number }) => h.asn);
    assert.deepEqual(
      asns,
      [...asns].sort((a: number, b: number) => b - a),
    );
    const vuln = JSON.parse(
      (await get(srv.url, '/api/hosts?scan=census-2&family=ProxyLogon&verdict=vulnerable&limit=500')).body,
    );
    assert.ok(vuln.hosts.every((h: { vulnerable: string[] }) => h.vulnerable.includes('ProxyLogon')));
    // the census counts the same servers (one record per server in this store)
    const row = JSON.parse((await get(srv.url, '/api/census?scan=census-2&by=family')).body).find(
      (r: { family: string }) => r.family === 'ProxyLogon',
    );
    assert.equal(vuln.total, row.vulnerable.ProxyLogon);
  });

  it('serves one host, the scans, the trend, a diff and a network bundle', async () => {
    const host = JSON.parse((await get(srv.url, '/api/host?scan=census-2&ip=198.18.0.1&port=443')).body);
    assert.equal(host.scan, 'census-2');
    assert.equal(host.host.ip, '198.18.0.1');
    assert.equal((await get(srv.url, '/api/host?scan=census-2&ip=198.18.0.1&port=444')).status, 404);
    const scans = JSON.parse((await get(srv.url, '/api/scans')).body);
    assert.deepEqual(
      scans.map((s: { name: string }) => s.name),
      ['census-1', 'census-2'],
    );
    const trend = JSON.parse((await get(srv.url, '/api/trend?scan=census-2')).body);
    assert.equal(trend.length, 2);
    const diff = JSON.parse((await get(srv.url, '/api/diff?a=census-1&b=census-2&limit=5')).body);
    assert.equal(diff.scan_a, 'census-1');
    assert.ok(diff.counts.upgraded > 0);
    assert.equal(diff.changes.length, 5);
    const csv = await get(srv.url, '/api/bundle?scan=census-2&asn=3320&format=csv');
    assert.equal(csv.status, 200);
    assert.match(csv.body, /^timestamp,ip,protocol,port/);
    const md = await get(srv.url, '/api/bundle?scan=census-2&asn=3320&format=md');
    assert.match(md.body, /^# Exchange servers needing attention: AS3320 Deutsche Telekom AG/);
  });

  it('splits the supported servers of the trend by update state, per the knowledge base', async () => {
    const at = '2024-12-01';
    const trend = JSON.parse((await get(srv.url, `/api/trend?scan=census-2&as_of=${at}`)).body) as Array<
      Record<string, number>
    >;
    assert.equal(trend.length, 2);
    for (const [i, p] of trend.entries()) {
      const rows = JSON.parse(
        (await get(srv.url, `/api/census?scan=census-${i + 1}&by=product&as_of=${at}`)).body,
      ) as Array<{ product: string; exchange: number }>;
      const servers = (product: string) => rows.find((r) => r.product === product)?.exchange ?? 0;
      // 2019 CU14 Nov24SUv2 is the latest 2019 release on that date; 2016 CU23 Nov22SU is two years
      // behind; the hostile record's release (in the second scan) is no release the knowledge base knows
      const unknown = i === 1 ? 1 : 0;
      assert.equal(p.up_to_date, servers('Exchange Server 2019'), `scan ${i + 1}`);
      assert.equal(p.behind_on_updates, servers('Exchange Server 2016') - unknown, `scan ${i + 1}`);
      assert.equal(p.update_unknown, unknown);
      assert.ok(p.up_to_date! > 0 && p.behind_on_updates! > 0);
      assert.equal(p.supported, p.up_to_date! + p.behind_on_updates! + p.update_unknown!);
      assert.equal(p.exchange, p.supported! + p.eol!);
    }
    const page = (await get(srv.url, `/trend?scan=census-2&as_of=${at}`)).body;
    assert.match(page, /<svg id="trend-support"[^>]*>.*<polygon[^>]*>.*<\/svg>/s);
    assert.match(page, /data-name="Behind on updates"/);
    assert.match(page, /id="trend-families-likely"/);
  });

  it('answers bad parameters with 400 and a message, never a 500', async () => {
    const bad = [
      '/api/census?by=planet',
      '/api/census?country=Germany',
      '/api/census?continent=Atlantis',
      '/api/census?asn=ASX',
      '/api/census?as_of=2026-13-45',
      '/api/census?eol=maybe',
      '/api/census?colour=red',
      `/api/census?product=${'x'.repeat(3000)}`,
      '/api/hosts?limit=0',
      '/api/hosts?limit=100000',
      '/api/hosts?offset=-1',
      '/api/hosts?sort=password',
      '/api/hosts?kind=everything',
      '/api/hosts?verdict=likely',
      '/api/hosts?scan=a&scan=b',
      '/api/host?ip=%3Cscript%3E',
      '/api/host?ip=1.2.3.4&port=70000',
      '/api/diff?a=census-1',
      '/api/bundle?asn=1&format=exe',
      '/hosts?sort=%22%3E%3Cscript%3E',
      '/?as_of=yesterday',
    ];
    for (const path of bad) {
      const res = await get(srv.url, path);
      assert.equal(res.status, 400, `${path}: ${res.status} ${res.body.slice(0, 200)}`);
      if (path.startsWith('/api/')) assert.ok(JSON.parse(res.body).error, path);
      assert.doesNotMatch(res.body, /<script>|at \w+ \(/, path);
    }
    assert.equal((await get(srv.url, '/api/census?scan=no-such-scan')).status, 404);
    assert.deepEqual(logged, []);
  });

  it('sends strict headers and escapes hostile values in pages and exports', async () => {
    for (const path of [
      '/',
      '/hosts?scan=census-2&kind=all',
      '/networks?scan=census-2',
      '/builds?scan=census-2',
      '/host?scan=census-2&ip=198.19.0.1&port=443',
      '/scans',
      '/trend',
      '/diff',
    ]) {
      const res = await get(srv.url, path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers['content-security-policy'], CSP);
      assert.match(CSP, /script-src 'self'/);
      assert.doesNotMatch(CSP, /script-src[^;]*unsafe-inline/);
      assert.match(CSP, /frame-ancestors 'none'/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      // the only script is the packaged one; no data value becomes markup
      assert.deepEqual(res.body.match(/<script[^>]*>/g), ['<script src="/assets/app.js" defer>'], path);
      assert.doesNotMatch(res.body, /<img|onerror=alert\(1\)>|href="javascript:/i, path);
    }
    const hosts = (await get(srv.url, '/hosts?scan=census-2&country=NL')).body;
    assert.ok(hosts.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
    assert.ok(hosts.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'));
    const csv = (await get(srv.url, '/api/hosts.csv?scan=census-2&country=NL')).body;
    assert.doesNotMatch(csv, /(^|,)=HYPERLINK/m);
    assert.ok(csv.includes(HOSTILE.script.replaceAll('"', '""')));
  });

  it('answers only to its loopback names', async () => {
    const res = await get(srv.url, '/api/scans', { Host: 'attacker.example:80' });
    assert.equal(res.status, 421);
  });

  it('gives handlers a store that refuses writes', async () => {
    const ro = readOnlyStore(store);
    assert.throws(() => ro.createScan({} as never), /reads the store only/);
    assert.throws(() => ro.addHosts(1, []), /reads the store only/);
    assert.equal((await ro.listScans()).length, 2);
  });
});

describe('excensus serve: token', () => {
  let fx: Fixture;
  let store: Store;
  let srv: RunningServer;
  const token = 'correct-horse-battery';
  before(async () => {
    fx = await makeStore({ hosts: 20 });
    store = await openStore(fx.path, { create: false });
    srv = await startServer({ store, host: '127.0.0.1', port: 0, token, today: () => AS_OF, log: () => {} });
  });
  after(async () => {
    await srv.close();
    await store.close();
    fx.cleanup();
  });

  it('needs the token in a header or the cookie the login form sets', async () => {
    assert.equal((await get(srv.url, '/api/scans')).status, 401);
    assert.equal(
      (await get(srv.url, '/api/scans', { Authorization: 'Bearer wrong-token-here' })).status,
      401,
    );
    assert.equal((await get(srv.url, '/api/scans', { Authorization: `Bearer ${token}` })).status, 200);
    const page = await get(srv.url, '/hosts?country=DE');
    assert.equal(page.status, 303);
    assert.equal(page.headers.location, '/login?next=%2Fhosts%3Fcountry%3DDE');
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const wrong = await get(srv.url, '/login', form, 'POST', 'token=nope&next=%2Fhosts');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers['set-cookie'], undefined);
    const ok = await get(srv.url, '/login', form, 'POST', `token=${token}&next=%2F%2Fevil.example`);
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.location, '/');
    const cookie = String(ok.headers['set-cookie']).split(';')[0]!;
    assert.doesNotMatch(cookie, new RegExp(token));
    assert.match(String(ok.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
    assert.equal((await get(srv.url, '/api/scans', { Cookie: cookie })).status, 200);
    assert.equal((await get(srv.url, '/', { Cookie: cookie })).status, 200);
    assert.equal((await get(srv.url, '/', { Cookie: `${cookie}x` })).status, 303);
  });

  it('refuses a non-loopback --host without a token (exit 2)', async () => {
    const r = await runCli(['serve', '--db', fx.path, '--host', '0.0.0.0'], {
      env: { EXCENSUS_TOKEN: undefined },
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /would open the census to other machines: give a --token/);
  });
});
