// reclassify and scans through the CLI, over a real SQLite store and the real judge.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';
import type { Observation } from '../../src/core/observation.js';
import type { StoredHost } from '../../src/store/store.js';
import { judgeObservation } from '../../src/classify/judge.js';
import { loadRules } from '../../src/fingerprint/index.js';
import { loadKnowledgeBase } from '../../src/kb/load.js';
import { bundledDataDir } from '../../src/kb/locations.js';
import { runCli } from '../helpers/cli.js';
import { makeRecord } from './records.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-reclassify-'));
const db = join(dir, 'store.db');
after(() => rmSync(dir, { recursive: true, force: true }));

const obs = (ip: string, http: Observation['http']): Observation => ({
  ip,
  port: 443,
  timestamp: '2025-06-01T00:00:00Z',
  source: 'probe',
  status: 'ok',
  http,
});
// Exchange 2016 CU23 answering EWS with its version header (build from exchange-builds.csv).
const exchangeObs = obs('192.0.2.10', [
  {
    path: '/EWS/Exchange.asmx',
    status: 401,
    headers: [
      ['X-OWA-Version', '15.1.2507.6'],
      ['X-FEServer', 'EXCH01'],
    ],
  },
]);
const nginxObs = obs('192.0.2.20', [
  { path: '/', status: 200, headers: [['Server', 'nginx']], body: '<html>hi</html>' },
]);

describe('excensus reclassify and scans', () => {
  before(async () => {
    const ctx = { rules: loadRules(), kb: loadKnowledgeBase(), asOf: '2025-06-01' };
    const store = await openStore(db);
    const id = await store.createScan({
      name: 'june',
      kind: 'scan',
      source: 'probe',
      series: 'lab',
      startedAt: '2025-06-01T00:00:00Z',
      inputs: ['192.0.2.0/24'],
      options: {},
    });
    const geo = { country: 'DE', continent: 'EU', source: 'source' };
    const asn = { number: 3320, org: 'Deutsche Telekom AG', source: 'embedded' };
    const hosts: StoredHost[] = [
      // Judged by older rules that missed it: stored as not Exchange.
      {
        record: { ...makeRecord({ ip: '192.0.2.10', kind: 'not-exchange' }), source: 'probe', geo, asn },
        observation: { kind: 'object', observation: exchangeObs },
      },
      {
        record: { ...judgeObservation(nginxObs, ctx), geo },
        observation: { kind: 'object', observation: nginxObs },
      },
      { record: makeRecord({ ip: '192.0.2.30', kind: 'timeout' }) },
    ];
    await store.addHosts(id, hosts);
    await store.finishScan(id, 'complete');
    await store.close();
  });

  it('re-judges stored observations, keeps geo and network, skips hosts without one', async () => {
    const r = await runCli(['reclassify', '--db', db, '--as-of', '2025-11-01', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const { judged_differently: judged, ...counts } = JSON.parse(r.stdout);
    assert.deepEqual(counts, {
      schema_version: 1,
      scan_id: 1,
      scan: 'june',
      as_of: '2025-11-01',
      hosts: 3,
      rejudged: 2,
      changed: 1,
      skipped: 1,
      unreadable: 0,
    });
    // the host the older rules missed is now named, and open to what its build leaves open
    assert.equal(judged.hosts, 1);
    assert.equal(judged.renamed, 1);
    assert.deepEqual(judged.families.ProxyNotShell, { opened: 1, closed: 0 });
    assert.equal(judged.sample[0].host, '192.0.2.10:443');
    assert.equal(judged.sample[0].release_before, null);
    assert.equal(judged.sample[0].release_after, 'Exchange Server 2016 CU23 (2022H1)');
    const store = await openStore(db);
    try {
      const [all] = await store.census({ scanId: 1, groupBy: [], asOf: '2025-11-01' });
      assert.equal(all?.exchange, 1);
      assert.equal(all?.eol, 1);
      assert.ok((all?.vulnerable.ProxyNotShell ?? 0) >= 1);
      const hosts: StoredHost[] = [];
      for await (const h of store.iterateHosts(1)) hosts.push(h);
      const ex = hosts.find((h) => h.record.ip === '192.0.2.10');
      assert.equal(ex?.record.status, 'exchange');
      assert.equal(ex?.record.classification?.product, 'Exchange Server 2016');
      assert.deepEqual(ex?.record.geo, { country: 'DE', continent: 'EU', source: 'source' });
      assert.equal(ex?.record.asn?.number, 3320);
      assert.deepEqual(ex?.observation, { kind: 'object', observation: exchangeObs });
      assert.equal(hosts.find((h) => h.record.ip === '192.0.2.30')?.record.status, 'timeout');
    } finally {
      await store.close();
    }
    const again = await runCli(['reclassify', '--db', db, '--scan', 'june', '--as-of', '2025-11-01']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stdout,
      /june: 3 hosts, 2 re-judged as of 2025-11-01, 0 changed; 1 stored without an observation/,
    );
  });

  it('lists scans with counts, as a table and as JSON Lines', async () => {
    const j = await runCli(['scans', '--db', db, '--json']);
    assert.equal(j.code, 0, j.stderr);
    const [scan] = j.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(scan?.name, 'june');
    assert.equal(scan?.state, 'complete');
    assert.equal(scan?.hosts, 3);
    assert.deepEqual(scan?.inputs, ['192.0.2.0/24']);
    // reclassify (the test before) recorded the knowledge base it judged with
    const kb = loadKnowledgeBase(bundledDataDir()).version;
    assert.equal(scan?.kb_version, kb);
    const t = await runCli(['scans', '--db', db]);
    assert.match(t.stdout, /^ID\s+NAME\s+SOURCE\s+STARTED\s+OBSERVED\s+STATE/);
    assert.match(
      t.stdout,
      new RegExp(
        `\\n\\s*1\\s+june\\s+probe\\s+2025-06-01 00:00\\s+\\S+\\s+complete\\s+3\\s+\\d+\\s+0\\s+${kb.replace(/\./g, '\\.')}\\n`,
      ),
    );
  });

  it('reports a missing store or scan as a runtime error, not a new empty store', async () => {
    const missing = await runCli(['scans', '--db', join(dir, 'nope.db')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no store at/);
    const noScan = await runCli(['reclassify', '--db', db, '--scan', 'december']);
    assert.equal(noScan.code, 1);
    assert.match(noScan.stderr, /no scan "december"/);
    const badDate = await runCli(['reclassify', '--db', db, '--as-of', 'yesterday']);
    assert.equal(badDate.code, 2);
  });
});
