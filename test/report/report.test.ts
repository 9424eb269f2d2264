import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { addScan, fleet, tempStore, type TempStore } from './records.js';

// As of 2026-01-01: 2010, 2013, 2016 and 2019 are past end of support; SE is not.
const AS_OF = '2026-01-01';

describe('excensus report', () => {
  let t: TempStore;
  before(async () => {
    t = await tempStore();
    await addScan(t.store, { name: 'dec', startedAt: '2026-11-01T00:00:00Z' }, fleet());
  });
  after(async () => t.cleanup());

  const report = (...args: string[]) => runCli(['report', '--db', t.path, '--as-of', AS_OF, ...args]);
  const jsonl = (s: string) =>
    s
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  it('prints the headline census as aligned tables', async () => {
    const r = await report();
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /9 on-premises Exchange servers, 8 past end of support; 62\.5% of those in Europe/,
    );
    // each server once, however many of the three families it is open to (ProxyLogon alone accounts for 3)
    assert.match(
      r.stdout,
      /3 open to ProxyLogon, ProxyShell or ProxyToken by build \(vulnerable or likely\)/,
    );
    assert.match(r.stdout, /1 suspects not counted/);
    assert.match(r.stdout, /Europe\s+5\s+55\.6%\s+5\s+62\.5%/);
    assert.match(r.stdout, /DE Germany\s+3\s+33\.3%/);
  });

  it('--json headline: sections total/product/continent/country with shares', async () => {
    const rows = jsonl((await report('--json')).stdout);
    const total = rows.find((r) => r.section === 'total');
    assert.deepEqual(
      { hosts: total?.hosts, exchange: total?.exchange, suspect: total?.suspect, eol: total?.eol },
      { hosts: 12, exchange: 9, suspect: 1, eol: 8 },
    );
    assert.equal((total?.vulnerable as Record<string, number>).ProxyLogon, 3);
    assert.equal((total?.likely as Record<string, number>).ProxyNotShell, 2);
    const eu = rows.find((r) => r.section === 'continent' && r.continent === 'Europe');
    assert.equal(eu?.continent_code, 'EU');
    assert.equal(eu?.exchange_share, 0.5556);
    assert.equal(eu?.eol_share, 0.625);
  });

  it('--by country,asn gives one JSON object per group with asn_org', async () => {
    const rows = jsonl((await report('--by', 'country,asn', '--json')).stdout);
    const dt = rows.find((r) => r.asn === 3320);
    assert.equal(dt?.country, 'DE');
    assert.equal(dt?.country_name, 'Germany');
    assert.equal(dt?.asn_org, 'Deutsche Telekom AG');
    assert.equal(dt?.exchange, 3);
    assert.equal(dt?.eol, 3);
    assert.deepEqual(Object.keys(dt ?? {}).slice(0, 7), [
      'schema_version',
      'scan',
      'as_of',
      'country',
      'country_name',
      'asn',
      'asn_org',
    ]);
    assert.equal(
      rows.reduce((n, r) => n + Number(r.hosts), 0),
      12,
    );
  });

  it('--by family puts a host under each family it is open to; --family filters', async () => {
    const rows = jsonl((await report('--by', 'family', '--json')).stdout);
    const fam = (f: string | null) => rows.find((r) => r.family === f);
    assert.equal(fam('ProxyLogon')?.exchange, 3);
    assert.equal(fam('ProxyShell')?.exchange, 2);
    assert.equal(fam('ProxyNotShell')?.exchange, 2);
    assert.equal(fam('OWASSRF')?.exchange, 1);
    assert.equal(fam('ProxyToken'), undefined, 'patched is not open');
    const only = jsonl((await report('--by', 'continent', '--family', 'ProxyShell', '--json')).stdout);
    assert.deepEqual(
      only.map((r) => [r.continent, r.exchange]),
      [['Europe', 2]],
    );
  });

  it('under a --family filter the lead sentence drops the headline-families count it cannot state', async () => {
    const r = await report('--family', 'OWASSRF');
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /open to ProxyLogon, ProxyShell or ProxyToken/);
    assert.match((await report()).stdout, /open to ProxyLogon, ProxyShell or ProxyToken/);
  });

  it('--by eol names the group flag past_eol; --eol and --product filter', async () => {
    const rows = jsonl((await report('--by', 'eol', '--json', '--status', 'exchange')).stdout);
    assert.deepEqual(
      rows.map((r) => [r.past_eol, r.exchange]).sort(),
      [
        [false, 0],
        [null, 1],
        [true, 8],
      ].filter(([, n]) => n !== 0),
    );
    const eol2013 = jsonl(
      (await report('--by', 'country', '--eol', '--product', 'Exchange Server 2013', '--json')).stdout,
    );
    assert.deepEqual(
      eol2013
        .filter((r) => Number(r.exchange) > 0)
        .map((r) => [r.country, r.exchange])
        .sort(),
      [
        ['CA', 1],
        ['FR', 1],
        ['DE', 1],
      ].sort(),
    );
  });

  it('renders CSV and Markdown', async () => {
    const csv = (await report('--by', 'product', '--format', 'csv')).stdout;
    assert.match(
      csv.split('\r\n')[0] ?? '',
      /^Product,Servers,Exchange,Share,Suspect,EOL,EOL share,ProxyLogon,ProxyLogon likely/,
    );
    // families in the knowledge base's order: ProxyLogon, ProxyShell, ProxyNotShell, OWASSRF
    assert.match(
      csv,
      /\r\nExchange Server 2013,4,3,0\.3333,1,3,0\.375,1,0,1,0,0,1,0,0/,
      'suspect counts in hosts, not in exchange',
    );
    const md = (await report('--format', 'md')).stdout;
    assert.match(md, /^## Exchange census/);
    assert.match(md, /\| Continent \| Exchange \| Share \| EOL \| Share of EOL \|/);
  });

  it('--hosts-csv FILE and -o FILE write files; filters apply to the export', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'excensus-report-out-'));
    try {
      const r = await report(
        '--json',
        '-o',
        join(dir, 'census.jsonl'),
        '--hosts-csv',
        join(dir, 'hosts.csv'),
        '--country',
        'de,fr',
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /wrote 5 records \(one per address and port\) to/);
      const hosts = readFileSync(join(dir, 'hosts.csv'), 'utf8').trim().split('\r\n');
      assert.equal(hosts.length, 6);
      assert.ok(hosts.slice(1).every((l) => /,(DE|FR),/.test(l)));
      const total = JSON.parse(readFileSync(join(dir, 'census.jsonl'), 'utf8').split('\n')[0] ?? '{}') as {
        exchange: number;
      };
      assert.equal(total.exchange, 5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--hosts-csv writes every host; unknown scan and bad flags fail cleanly', async () => {
    const csv = (await report('--format', 'hosts')).stdout.split('\r\n').filter(Boolean);
    assert.equal(csv.length, 13);
    const missing = await report('--scan', 'nope');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no scan "nope"/);
    const bad = await report('--by', 'planet');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown key "planet"/);
  });
});
