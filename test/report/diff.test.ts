import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { categorise, summarise } from '../../src/report/diff.js';
import { addScan, makeRecord, tempStore, type TempStore } from './records.js';

const de = { country: 'DE', continent: 'EU', asn: 3320 };

describe('diff semantics', () => {
  it('puts each host in exactly one category', () => {
    const s = (
      build: Parameters<typeof makeRecord>[0]['build'],
      vulns: Array<[string, 'vulnerable' | 'likely' | 'patched']> = [],
    ) => summarise(makeRecord({ ip: '192.0.2.1', build, vulns }), '2026-01-01');
    assert.equal(categorise(null, s('e2013')).category, 'new');
    assert.equal(categorise(s('e2013'), null).category, 'gone');
    assert.equal(categorise(s('e2013'), s('e2016cu23')).category, 'upgraded', 'product changed');
    const cu = categorise(s('e2016cu19'), s('e2016cu23'));
    assert.deepEqual([cu.category, cu.direction], ['upgraded', 'up']);
    const down = categorise(s('e2016cu23'), s('e2016cu19'));
    assert.deepEqual(
      [down.category, down.direction],
      ['downgraded', 'down'],
      'a CU going back is a downgrade',
    );
    assert.equal(categorise(s('e2016cu19su'), s('e2016cu19')).category, 'downgraded', 'an SU going back too');
    assert.equal(
      categorise(s('e2016cu19', [['ProxyLogon', 'vulnerable']]), s('e2016cu19su')).category,
      'patched',
      'SU changed on the same CU',
    );
    assert.equal(
      categorise(s('e2013', [['ProxyShell', 'vulnerable']]), s('e2013', [['ProxyShell', 'vulnerable']]))
        .category,
      'still-vulnerable',
    );
    assert.equal(
      categorise(s('e2013', [['ProxyShell', 'likely']]), s('e2013', [['ProxyShell', 'likely']])).category,
      'still-vulnerable',
    );
    assert.equal(
      categorise(s('e2013', [['ProxyToken', 'patched']]), s('e2013', [['ProxyToken', 'patched']])).category,
      'unchanged',
    );
  });

  it('does not call a CU-precision reading a patch', () => {
    const full = summarise(makeRecord({ ip: '192.0.2.1', build: 'e2016cu19' }), '2026-01-01');
    const cuOnly = { ...full, build: '15.1.2176' };
    assert.equal(categorise(cuOnly, full).category, 'unchanged');
  });
});

describe('excensus diff', () => {
  let t: TempStore;
  before(async () => {
    t = await tempStore();
    await addScan(t.store, { name: 'apr', startedAt: '2025-04-01T00:00:00Z' }, [
      makeRecord({ ip: '192.0.2.1', build: 'e2013', ...de, vulns: [['ProxyShell', 'vulnerable']] }), // still vulnerable
      makeRecord({ ip: '192.0.2.2', build: 'e2016cu19', ...de, vulns: [['ProxyLogon', 'vulnerable']] }), // patched
      makeRecord({ ip: '192.0.2.3', build: 'e2016cu19', ...de, vulns: [['ProxyLogon', 'vulnerable']] }), // upgraded
      makeRecord({ ip: '192.0.2.4', build: 'e2010', ...de }), // gone
      makeRecord({ ip: '192.0.2.5', build: 'se', ...de }), // unchanged
      makeRecord({ ip: '192.0.2.9', kind: 'not-exchange', ...de }),
    ]);
    await addScan(t.store, { name: 'dec', startedAt: '2025-12-01T00:00:00Z' }, [
      makeRecord({ ip: '192.0.2.1', build: 'e2013', ...de, vulns: [['ProxyShell', 'vulnerable']] }),
      makeRecord({ ip: '192.0.2.2', build: 'e2016cu19su', ...de }),
      makeRecord({ ip: '192.0.2.3', build: 'e2016cu23', ...de }),
      makeRecord({ ip: '192.0.2.5', build: 'se', ...de }),
      makeRecord({ ip: '192.0.2.6', build: 'e2019cu9', ...de, vulns: [['OWASSRF', 'vulnerable']] }), // new
    ]);
  });
  after(async () => t.cleanup());

  it('--json: one line per host and a summary with percentages', async () => {
    const r = await runCli(['diff', 'apr', 'dec', '--json', '--db', t.path]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const byHost = Object.fromEntries(
      lines.filter((l) => l.type === 'host').map((l) => [l.host, l.category]),
    );
    assert.deepEqual(byHost, {
      '192.0.2.1': 'still-vulnerable',
      '192.0.2.2': 'patched',
      '192.0.2.3': 'upgraded',
      '192.0.2.4': 'gone',
      '192.0.2.5': 'unchanged',
      '192.0.2.6': 'new',
    });
    const summary = lines.at(-1) as {
      type: string;
      counts: Record<string, number>;
      totals: Record<string, { before: number; after: number; change: string }>;
    };
    assert.equal(summary.type, 'summary');
    assert.deepEqual(summary.counts, {
      new: 1,
      gone: 1,
      upgraded: 1,
      patched: 1,
      downgraded: 0,
      'still-vulnerable': 1,
      unchanged: 1,
    });
    // EOL judged on each scan's date: Apr 2025 -> 2013 + 2010; Dec 2025 -> 2013 + 2016 x2 + 2019.
    assert.deepEqual(summary.totals.eol_servers, { before: 2, after: 4, change: '+100.0%' });
    assert.deepEqual(summary.totals.exchange_servers, { before: 5, after: 5, change: '0.0%' });
    assert.deepEqual(summary.totals.proxylogon_vulnerable, { before: 2, after: 0, change: '-100.0%' });
  });

  it('text output states totals like the studies and lists changed hosts', async () => {
    const r = await runCli(['diff', 'apr', 'dec', '--db', t.path, '--as-of', '2026-01-01']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /EOL servers: 4 -> 4, 0\.0%/);
    assert.match(r.stdout, /patched\s+1\s+16\.7%/);
    assert.match(r.stdout, /192\.0\.2\.3\s+upgraded/);
    assert.doesNotMatch(r.stdout, /192\.0\.2\.5\b/, 'unchanged hosts listed only with --all');
  });

  it('usage errors exit 2, unknown scans exit 1', async () => {
    assert.equal((await runCli(['diff', 'apr', '--db', t.path])).code, 2);
    const r = await runCli(['diff', 'apr', 'nov', '--db', t.path]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no scan "nov"/);
  });
});

describe('excensus diff counts servers and follows the dates of the data', () => {
  let t: TempStore;
  before(async () => {
    t = await tempStore();
    // ingested November first, then the older April download
    const nov = await addScan(t.store, { name: 'nov', startedAt: '2026-12-01T00:00:00Z' }, [
      makeRecord({ ip: '192.0.2.1', build: 'e2016cu19', ...de }),
      makeRecord({ ip: '192.0.2.1', port: 25, ...de }), // the same server's SMTP port
      makeRecord({ ip: '192.0.2.2', build: 'e2016cu19', ...de }),
    ]);
    await t.store.setObservedWindow(nov, {
      first: '2025-11-02T00:00:00.000Z',
      last: '2025-11-03T00:00:00.000Z',
    });
    const apr = await addScan(t.store, { name: 'apr', startedAt: '2026-12-02T00:00:00Z' }, [
      makeRecord({ ip: '192.0.2.1', build: 'e2016cu19', ...de }),
      makeRecord({ ip: '192.0.2.1', port: 587, ...de }),
      makeRecord({ ip: '192.0.2.2', build: 'e2016cu23', ...de }),
    ]);
    await t.store.setObservedWindow(apr, {
      first: '2025-04-02T00:00:00.000Z',
      last: '2025-04-02T00:00:00.000Z',
    });
  });
  after(async () => t.cleanup());

  it('one row per address; April -> November whichever order they are given; a downgrade says so', async () => {
    const r = await runCli(['diff', 'nov', 'apr', '--json', '--db', t.path, '--as-of', '2026-01-01']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const hosts = lines.filter((l) => l.type === 'host');
    assert.deepEqual(
      hosts.map((l) => [l.host, l.category]),
      [
        ['192.0.2.2', 'downgraded'],
        ['192.0.2.1', 'unchanged'],
      ],
    );
    const summary = lines.at(-1) as Record<string, unknown>;
    assert.equal(summary.scan_a, 'apr');
    assert.equal(summary.scan_b, 'nov');
    assert.equal(summary.unit, 'server');
    assert.deepEqual((summary.totals as Record<string, unknown>).exchange_servers, {
      before: 2,
      after: 2,
      change: '0.0%',
    });
    const text = await runCli(['diff', 'nov', 'apr', '--db', t.path, '--as-of', '2026-01-01']);
    assert.match(
      text.stdout,
      /"apr" \(#2, data of 2025-04-02,.*-> "nov" \(#1, data of 2025-11-02\.\.2025-11-03/,
    );
    assert.match(text.stdout, /192\.0\.2\.2\s+downgraded/);
  });
});
