// One behaviour suite for every Store adapter (SQLite, PostgreSQL), run from <adapter>.test.ts.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type {
  Store,
  ScanMeta,
  StoredHost,
  CensusRow,
  CensusFilter,
  GroupKey,
} from '../../src/store/store.js';
import { makeObservationRef, makeRecord } from './records.js';

export type StoreFactory = () => Promise<Store>;

let seq = 0;
export function meta(over: Partial<ScanMeta> = {}): ScanMeta {
  seq += 1;
  return {
    name: `scan-${process.pid}-${seq}`,
    kind: 'ingest',
    source: 'shodan',
    series: 'shodan',
    startedAt: `2025-0${Math.min(9, seq)}-01T00:00:00Z`,
    inputs: ['a.json'],
    options: { seed: 1 },
    ...over,
  };
}

/** A small census fleet: 4 EU + 2 NA on-premises servers, a suspect, an Exchange Online host, a non-Exchange host, a timeout. */
export function fleet(): StoredHost[] {
  const eu = { continent: 'EU', asn: 3320, org: 'Deutsche Telekom AG' };
  return [
    {
      record: makeRecord({
        ip: '192.0.2.1',
        country: 'DE',
        ...eu,
        product: 'Exchange Server 2013',
        release: 'Exchange Server 2013 CU23',
        eolDate: '2023-04-11',
        vulns: [
          ['ProxyLogon', 'vulnerable'],
          ['ProxyShell', 'vulnerable'],
          ['ProxyNotShell', 'likely'],
        ],
      }),
      observation: makeObservationRef('192.0.2.1'),
    },
    {
      record: makeRecord({ ip: '192.0.2.2', country: 'DE', ...eu, vulns: [['ProxyShell', 'likely']] }),
      observation: makeObservationRef('192.0.2.2'),
    },
    {
      record: makeRecord({
        ip: '192.0.2.3',
        country: 'FR',
        continent: 'EU',
        asn: 16276,
        org: 'OVH SAS',
        product: 'Exchange Server 2019',
        release: 'Exchange Server 2019 CU14',
        eolDate: null,
      }),
    },
    {
      record: makeRecord({
        ip: '192.0.2.10',
        country: 'FR',
        continent: 'EU',
        asn: 16276,
        product: 'Exchange Server 2010',
        release: 'Exchange Server 2010 SP3',
        eolDate: '2020-10-13',
        vulns: [
          ['ProxyLogon', 'vulnerable'],
          ['ProxyLogon', 'likely'],
        ],
      }),
    },
    {
      record: makeRecord({
        ip: '198.51.100.1',
        country: 'US',
        continent: 'NA',
        asn: 7018,
        org: 'AT&T',
        vulns: [['ProxyToken', 'patched']],
      }),
    },
    {
      record: makeRecord({
        ip: '198.51.100.2',
        country: 'US',
        continent: 'NA',
        asn: 7018,
        product: 'Exchange Server 2019',
        release: 'Exchange Server 2019 CU14',
        eolDate: '2025-10-14',
        vulns: [['OWASSRF', 'vulnerable']],
      }),
    },
    {
      record: makeRecord({
        ip: '198.51.100.3',
        kind: 'suspect',
        country: 'US',
        continent: 'NA',
        asn: 7018,
        vulns: [['ProxyLogon', 'vulnerable']],
      }),
    },
    {
      record: makeRecord({
        ip: '203.0.113.1',
        kind: 'online',
        country: 'JP',
        continent: 'AS',
        asn: 8075,
        vulns: [['ProxyShell', 'vulnerable']],
      }),
    },
    { record: makeRecord({ ip: '203.0.113.2', kind: 'not-exchange', country: 'JP', continent: 'AS' }) },
    { record: makeRecord({ ip: '203.0.113.3', port: 25, kind: 'timeout' }) },
  ];
}

const byGroup = (rows: CensusRow[], key: string, value: unknown): CensusRow | undefined =>
  rows.find((r) => (r.group as Record<string, unknown>)[key] === value);

export function storeConformance(label: string, factory: StoreFactory): void {
  describe(`Store conformance: ${label}`, () => {
    let store: Store;
    let scanId: number;
    before(async () => {
      store = await factory();
      scanId = await store.createScan(meta({ name: `fleet-${process.pid}` }));
      await store.addHosts(scanId, fleet().slice(0, 5));
      await store.addHosts(scanId, fleet().slice(5));
      await store.finishScan(scanId, 'complete');
    });
    after(async () => store.close());

    it('creates, finds and lists scans with counts', async () => {
      const byId = await store.getScan(scanId);
      assert.ok(byId);
      assert.equal(byId.name, `fleet-${process.pid}`);
      assert.equal(byId.state, 'complete');
      assert.ok(byId.finishedAt);
      assert.deepEqual(byId.inputs, ['a.json']);
      assert.deepEqual(byId.options, { seed: 1 });
      assert.deepEqual(byId.counts, { hosts: 10, exchange: 6, suspect: 1 });
      assert.deepEqual(await store.getScan(byId.name), byId);
      assert.deepEqual(await store.getScan(String(scanId)), byId);
      assert.equal(await store.getScan('no-such-scan'), null);
      assert.ok((await store.listScans()).some((s) => s.id === scanId));
    });

    it("replaces a scan's options, and only that scan's", async () => {
      const id = await store.createScan(meta());
      await store.setScanOptions(id, { seed: 1, kb_version: '2026-12-08.0123456789' });
      assert.deepEqual((await store.getScan(id))?.options, { seed: 1, kb_version: '2026-12-08.0123456789' });
      assert.deepEqual((await store.getScan(scanId))?.options, { seed: 1 });
    });

    it('leases a scan, or a part of it, to one writer at a time; a lapsed lease is taken over', async () => {
      const id = await store.createScan(meta());
      const t = 1_000_000;
      const claim = (writer: string, now: number, part?: string) => ({
        scanId: id,
        writer,
        ttlMs: 1000,
        now,
        ...(part !== undefined ? { part } : {}),
      });
      assert.deepEqual(await store.acquireLease(claim('a', t)), { held: true });
      assert.deepEqual(await store.acquireLease(claim('b', t + 10)), {
        held: false,
        writer: 'a',
        heartbeatAt: t,
        expiresAt: t + 1000,
      });
      assert.deepEqual(await store.acquireLease(claim('a', t + 20)), { held: true }, 'its own again');
      assert.equal(await store.renewLease(claim('a', t + 500)), true);
      assert.equal((await store.acquireLease(claim('b', t + 1400))).held, false, 'the heartbeat kept it');
      // parts (shards) are leased apart from each other and from the whole scan
      assert.equal((await store.acquireLease(claim('b', t + 1400, '1/2'))).held, true);
      assert.equal((await store.acquireLease(claim('c', t + 1400, '2/2'))).held, true);
      // a stops beating: its lease lapses, b takes it, and a learns it lost it
      assert.equal((await store.acquireLease(claim('b', t + 1600))).held, true);
      assert.equal(await store.renewLease(claim('a', t + 1700)), false);
      await store.releaseLease({ scanId: id, writer: 'a' }); // not a's any more: nothing happens
      assert.equal((await store.acquireLease(claim('c', t + 1700))).held, false);
      await store.releaseLease({ scanId: id, writer: 'b' });
      assert.equal((await store.acquireLease(claim('c', t + 1700))).held, true);
      // a writer known to be gone (replaces) is taken over before its lease lapses, and only that one
      assert.equal((await store.acquireLease({ ...claim('d', t + 1710), replaces: 'b' })).held, false);
      assert.equal((await store.acquireLease({ ...claim('d', t + 1710), replaces: 'c' })).held, true);
      assert.equal(await store.renewLease(claim('c', t + 1720)), false);
    });

    it('refuses a second scan with the same name', async () => {
      await assert.rejects(store.createScan(meta({ name: `fleet-${process.pid}` })), /already exists/);
    });

    it('round-trips records and observations, in (ip, port) order', async () => {
      const got: StoredHost[] = [];
      for await (const h of store.iterateHosts(scanId)) got.push(h);
      const want = fleet().sort((a, b) =>
        a.record.ip < b.record.ip ? -1 : a.record.ip > b.record.ip ? 1 : a.record.port - b.record.port,
      );
      assert.deepEqual(got, want);
    });

    it('filters streamed hosts', async () => {
      const ips: string[] = [];
      for await (const h of store.iterateHosts(scanId, { exchangeOnly: true, country: ['DE', 'US'] }))
        ips.push(h.record.ip);
      assert.deepEqual(ips, ['192.0.2.1', '192.0.2.2', '198.51.100.1', '198.51.100.2']);
      const eol: string[] = [];
      for await (const h of store.iterateHosts(scanId, { eol: true, asOf: '2025-10-15' }))
        eol.push(h.record.ip);
      assert.deepEqual(eol, [
        '192.0.2.1',
        '192.0.2.10',
        '192.0.2.2',
        '198.51.100.1',
        '198.51.100.2',
        '198.51.100.3',
        '203.0.113.1',
      ]);
    });

    it('counts the headline census: exchange excludes suspects and Exchange Online', async () => {
      const [all] = await store.census({ scanId, groupBy: [], asOf: '2024-01-01' });
      assert.ok(all);
      assert.equal(all.hosts, 10);
      assert.equal(all.exchange, 6);
      assert.equal(all.suspect, 1);
      assert.equal(all.eol, 2); // 2013 (ended 2023-04-11) and 2010
      assert.equal(all.vulnerable.ProxyLogon, 2);
      assert.equal(all.vulnerable.ProxyShell, 1);
      assert.equal(all.vulnerable.OWASSRF, 1);
      assert.equal(all.likely.ProxyShell, 1);
      assert.equal(all.likely.ProxyLogon, 1);
      assert.equal(all.likely.ProxyNotShell, 1);
      assert.equal(all.vulnerable.ProxyToken ?? 0, 0); // 'patched' never counts
    });

    it('counts on-premises servers of the products the caller says are not assessed, in every cube', async () => {
      // Exchange Online is not on-premises Exchange; the suspect claims 2016 but is not counted as Exchange.
      const notAssessed = ['Exchange Server 2010', 'Exchange Online'];
      const q = (groupBy: GroupKey[], filter?: CensusFilter) =>
        store.census({ scanId, groupBy, asOf: '2024-01-01', notAssessed, ...(filter ? { filter } : {}) });
      assert.equal((await q([]))[0]?.notAssessed, 1);
      const eu = await q(['continent', 'country']);
      assert.deepEqual(
        eu.map((r) => [r.group.country, r.notAssessed]),
        [
          ['US', 0],
          ['DE', 0],
          ['FR', 1],
          ['JP', 0],
          [null, 0],
        ],
      );
      assert.equal(byGroup(await q(['asn']), 'asn', 16276)?.notAssessed, 1);
      assert.equal(byGroup(await q(['product']), 'product', 'Exchange Online')?.notAssessed, 0);
      const sum = (rows: CensusRow[]) => rows.reduce((n, r) => n + (r.notAssessed ?? 0), 0);
      assert.equal(sum(await q(['family'])), 1);
      assert.equal(sum(await q(['port'])), 1);
      assert.equal(sum(await q(['fronted'])), 1);
      assert.equal((await q([], { eol: true }))[0]?.notAssessed, 1);
      assert.equal((await q([], { family: ['ProxyShell'] }))[0]?.notAssessed, 0);
      const e2016 = await store.census({
        scanId,
        groupBy: [],
        asOf: '2024-01-01',
        notAssessed: ['Exchange Server 2016'],
      });
      assert.equal(e2016[0]?.notAssessed, 2);
      assert.equal(
        (await store.census({ scanId, groupBy: [], asOf: '2024-01-01', notAssessed: [] }))[0]?.notAssessed,
        0,
      );
      // without the list the row does not claim a count
      assert.equal(
        (await store.census({ scanId, groupBy: [], asOf: '2024-01-01' }))[0]?.notAssessed,
        undefined,
      );
    });

    it('judges EOL against asOf, strictly after the end date', async () => {
      const on = (d: string) => store.census({ scanId, groupBy: [], asOf: d }).then((r) => r[0]?.eol);
      assert.equal(await on('2020-10-13'), 0);
      assert.equal(await on('2020-10-14'), 1);
      assert.equal(await on('2025-10-15'), 5);
    });

    it('groups by continent and country', async () => {
      const rows = await store.census({ scanId, groupBy: ['continent', 'country'], asOf: '2024-01-01' });
      assert.deepEqual(
        rows.map((r) => [r.group.continent, r.group.country, r.hosts, r.exchange]),
        [
          ['NA', 'US', 3, 2],
          ['EU', 'DE', 2, 2],
          ['EU', 'FR', 2, 2],
          ['AS', 'JP', 2, 0],
          [null, null, 1, 0],
        ],
      );
      const eu = await store.census({ scanId, groupBy: ['continent'], asOf: '2024-01-01' });
      assert.equal(byGroup(eu, 'continent', 'EU')?.vulnerable.ProxyLogon, 2);
      assert.equal(byGroup(eu, 'continent', 'EU')?.eol, 2);
    });

    it('groups by product, release, status and eol', async () => {
      const prod = await store.census({ scanId, groupBy: ['product'], asOf: '2024-01-01' });
      assert.equal(byGroup(prod, 'product', 'Exchange Server 2016')?.exchange, 2);
      assert.equal(byGroup(prod, 'product', 'Exchange Online')?.exchange, 0);
      assert.equal(byGroup(prod, 'product', 'Exchange Online')?.hosts, 1);
      const status = await store.census({ scanId, groupBy: ['status'], asOf: '2024-01-01' });
      assert.deepEqual(Object.fromEntries(status.map((r) => [r.group.status, r.hosts])), {
        exchange: 7,
        suspect: 1,
        'not-exchange': 1,
        timeout: 1,
      });
      const eol = await store.census({
        scanId,
        groupBy: ['eol'],
        asOf: '2025-10-15',
        filter: { status: ['exchange'] },
      });
      assert.deepEqual(Object.fromEntries(eol.map((r) => [String(r.group.eol), r.exchange])), {
        true: 5,
        null: 1,
      });
      const eolEarly = await store.census({
        scanId,
        groupBy: ['eol'],
        asOf: '2024-01-01',
        filter: { status: ['exchange'] },
      });
      assert.deepEqual(Object.fromEntries(eolEarly.map((r) => [String(r.group.eol), r.exchange])), {
        true: 2,
        false: 3,
        null: 1,
      });
      const rel = await store.census({ scanId, groupBy: ['release'], asOf: '2024-01-01' });
      assert.equal(byGroup(rel, 'release', 'Exchange Server 2019 CU14')?.exchange, 2);
    });

    it('groups by ASN with the organisation name', async () => {
      const rows = await store.census({ scanId, groupBy: ['asn'], asOf: '2024-01-01' });
      const dtag = byGroup(rows, 'asn', 3320);
      assert.equal(dtag?.exchange, 2);
      assert.equal(dtag?.asnOrg, 'Deutsche Telekom AG');
      assert.equal(byGroup(rows, 'asn', 16276)?.asnOrg, 'OVH SAS');
      assert.equal(byGroup(rows, 'asn', null)?.hosts, 2);
    });

    it('puts a host once under each family it is open to', async () => {
      const rows = await store.census({ scanId, groupBy: ['family'], asOf: '2024-01-01' });
      const get = (f: string | null) => byGroup(rows, 'family', f)?.exchange;
      assert.equal(get('ProxyLogon'), 2);
      assert.equal(get('ProxyShell'), 2);
      assert.equal(get('ProxyNotShell'), 1);
      assert.equal(get('OWASSRF'), 1);
      assert.equal(get('ProxyToken'), undefined);
      assert.equal(get(null), 2); // the two servers open to nothing
      assert.equal(byGroup(rows, 'family', null)?.hosts, 6);
    });

    it('filters by product, eol, family, country, continent, asn and status', async () => {
      const one = async (filter: object) =>
        (await store.census({ scanId, groupBy: [], asOf: '2024-01-01', filter }))[0];
      assert.equal((await one({ product: ['Exchange Server 2016'] }))?.exchange, 2);
      assert.equal((await one({ eol: true }))?.exchange, 2);
      assert.equal((await one({ eol: false }))?.exchange, 4);
      assert.equal((await one({ family: ['ProxyShell'] }))?.exchange, 2);
      assert.equal((await one({ family: ['ProxyShell', 'OWASSRF'] }))?.exchange, 3);
      assert.equal((await one({ family: ['NoSuchFamily'] }))?.hosts, 0);
      assert.equal((await one({ country: ['FR'] }))?.vulnerable.ProxyLogon, 1);
      assert.equal((await one({ continent: ['NA'] }))?.suspect, 1);
      assert.equal((await one({ asn: [16276, 7018] }))?.hosts, 5);
      assert.equal((await one({ status: ['timeout'] }))?.hosts, 1);
      const fam = await store.census({
        scanId,
        groupBy: ['family'],
        asOf: '2024-01-01',
        filter: { family: ['ProxyShell'] },
      });
      assert.deepEqual(
        fam.map((r) => r.group.family),
        ['ProxyShell'],
      );
    });

    it('groups by front and by Windows, unsupported judged on asOf', async () => {
      const id = await store.createScan(meta());
      const hosts = fleet().slice(0, 3);
      const ev = (i: number) => (hosts[i] as StoredHost).record;
      Object.assign(ev(0).evidence, { fronted: true, front: 'nginx' });
      ev(0).windows = {
        version: '6.3.9600',
        product: 'Windows Server 2012 R2',
        endOfSupport: '2023-10-10',
        unsupported: true,
      };
      Object.assign(ev(1).evidence, { fronted: true });
      ev(1).windows = {
        version: '10.0.17763',
        product: 'Windows Server 2019',
        endOfSupport: '2029-01-09',
        unsupported: false,
      };
      await store.addHosts(id, hosts);
      await store.finishScan(id, 'complete');
      const fronts = await store.census({ scanId: id, groupBy: ['fronted'], asOf: '2024-01-01' });
      assert.deepEqual(Object.fromEntries(fronts.map((r) => [r.group.fronted, r.exchange])), {
        nginx: 1,
        proxy: 1,
        none: 1,
      });
      const win = await store.census({ scanId: id, groupBy: ['windows'], asOf: '2024-01-01' });
      assert.deepEqual(Object.fromEntries(win.map((r) => [String(r.group.windows), r.exchange])), {
        'Windows Server 2012 R2 (unsupported)': 1,
        'Windows Server 2019': 1,
        null: 1,
      });
      // the end-of-support date is the last day supported: unsupported from the next day on
      const last = await store.census({ scanId: id, groupBy: ['windows'], asOf: '2023-10-10' });
      assert.ok(last.some((r) => r.group.windows === 'Windows Server 2012 R2'));
      const next = await store.census({ scanId: id, groupBy: ['windows'], asOf: '2023-10-11' });
      assert.ok(next.some((r) => r.group.windows === 'Windows Server 2012 R2 (unsupported)'));
      // The records read back carry both.
      const back: StoredHost[] = [];
      for await (const h of store.iterateHosts(id)) back.push(h);
      const first = back.find((h) => h.record.ip === ev(0).ip)?.record;
      assert.equal(first?.evidence.front, 'nginx');
      assert.equal(first?.windows?.product, 'Windows Server 2012 R2');
    });

    it('replaces a re-written (scan, ip, port): no duplicates, census follows', async () => {
      const id = await store.createScan(meta());
      await store.addHosts(id, fleet().slice(0, 3));
      await store.finishScan(id, 'interrupted');
      assert.deepEqual(
        await store.doneTargets(id),
        new Set(['192.0.2.1:443', '192.0.2.2:443', '192.0.2.3:443']),
      );
      // A resume writes everything again, with one host now patched.
      const again = fleet();
      again[0] = {
        record: makeRecord({
          ip: '192.0.2.1',
          country: 'DE',
          continent: 'EU',
          product: 'Exchange Server 2019',
          eolDate: null,
        }),
      };
      await store.addHosts(id, again);
      const info = await store.getScan(id);
      assert.deepEqual(info?.counts, { hosts: 10, exchange: 6, suspect: 1 });
      const [all] = await store.census({ scanId: id, groupBy: [], asOf: '2024-01-01' });
      assert.equal(all?.vulnerable.ProxyLogon, 1);
      assert.equal(all?.eol, 1);
      // every target reads back as its last write (old and new targets mixed in one INSERT)
      const last = new Map(
        again.map((h) => [`${h.record.ip}:${h.record.port}`, JSON.parse(JSON.stringify(h)) as StoredHost]),
      );
      for await (const h of store.iterateHosts(id))
        assert.deepEqual(
          JSON.parse(JSON.stringify(h)),
          last.get(`${h.record.ip}:${h.record.port}`),
          h.record.ip,
        );
      let n = 0;
      for await (const h of store.iterateHosts(id, { country: ['DE'] })) {
        n += 1;
        if (h.record.ip === '192.0.2.1') assert.equal(h.observation, undefined);
      }
      assert.equal(n, 2);
    });

    it('keeps the last write when a batch names one target twice', async () => {
      const id = await store.createScan(meta());
      const first = { record: makeRecord({ ip: '192.0.2.50', kind: 'not-exchange' }) };
      const second = {
        record: makeRecord({ ip: '192.0.2.50', country: 'NL', continent: 'EU' }),
        observation: makeObservationRef('192.0.2.50'),
      };
      await store.addHosts(id, [first, ...fleet().slice(0, 3), second]);
      assert.deepEqual((await store.getScan(id))?.counts, { hosts: 4, exchange: 4, suspect: 0 });
      const got: StoredHost[] = [];
      for await (const h of store.iterateHosts(id, { country: ['NL'] })) got.push(h);
      assert.deepEqual(got, [second]);
    });

    it('stores a batch the database refuses one record of, and gives back that record', async () => {
      const id = await store.createScan(meta());
      await store.addHosts(id, fleet().slice(0, 2));
      // plain records (a row of columns each) and full ones, the refused one (no address) among them
      const batch = [...fleet().slice(2, 5), ...fleet().slice(8, 10)];
      (batch[1] as StoredHost).record = { ...(batch[1] as StoredHost).record, ip: null as unknown as string };
      const refused = await store.addHosts(id, batch);
      assert.deepEqual(
        refused.map((r) => [r.at, r.records]),
        [[1, 1]],
      );
      assert.match(refused[0]?.reason ?? '', /null/i);
      const kept = [...fleet().slice(0, 3), fleet()[4]!, ...fleet().slice(8, 10)];
      assert.deepEqual(
        await store.doneTargets(id),
        new Set(kept.map((h) => `${h.record.ip}:${h.record.port}`)),
      );
      await store.finishScan(id, 'complete');
      assert.equal((await store.getScan(id))?.counts.hosts, 6);
    });

    it("fails a batch of which every record is refused: the fault is no one record's", async () => {
      const id = await store.createScan(meta());
      const bad = fleet()
        .slice(0, 3)
        .map((h, i) => ({ record: { ...h.record, ip: null as unknown as string, port: 1000 + i } }));
      await assert.rejects(store.addHosts(id, bad));
      assert.equal((await store.doneTargets(id)).size, 0);
    });

    it('keeps a verdict and a CVE family a rolled-back batch stored out of later batches: they store them again', async () => {
      const id = await store.createScan(meta());
      // one classification object shared by hosts, as a judge hands out; new to the store, with a new family
      const first = makeRecord({
        ip: '192.0.2.61',
        product: 'Exchange Server 2019',
        release: 'Exchange Server 2019 CU12 (rolled back)',
        vulns: [['RolledBackFamily', 'vulnerable']],
      });
      // the bad record comes after the first INSERT of full rows (32 on SQLite, 200 on PostgreSQL), which stored the verdict
      const filler = Array.from({ length: 205 }, (_, i) => ({
        record: makeRecord({ ip: `198.18.${i >> 8}.${i & 255}` }),
      }));
      const bad = { ...makeRecord({ ip: '192.0.2.62' }), ip: null as unknown as string };
      // the batch fails and rolls back; written again in parts, the bad record alone is refused
      const refused = await store.addHosts(id, [{ record: first }, ...filler, { record: bad }]);
      assert.deepEqual(
        refused.map((r) => r.at),
        [206],
      );
      // a new verdict first: SQLite gives it the id the rolled-back one had
      const other = makeRecord({
        ip: '192.0.2.64',
        release: 'Exchange Server 2019 CU13 (after the rollback)',
      });
      await store.addHosts(id, [{ record: other }]);
      const again = { ...makeRecord({ ip: '192.0.2.63' }), classification: first.classification };
      await store.addHosts(id, [{ record: again }]);
      const got = new Map<string, StoredHost>();
      for await (const h of store.iterateHosts(id)) got.set(h.record.ip, h);
      assert.equal(got.size, 208);
      assert.ok(!got.has('192.0.2.62'));
      assert.deepEqual(got.get('192.0.2.61')?.record.classification, first.classification);
      assert.deepEqual(got.get('192.0.2.63')?.record.classification, first.classification);
      assert.deepEqual(got.get('192.0.2.64')?.record.classification, other.classification);
      const byFamily = await store.census({ scanId: id, groupBy: ['family'], asOf: '2025-01-01' });
      assert.equal(
        byFamily.find((r) => r.group.family === 'RolledBackFamily')?.vulnerable.RolledBackFamily,
        2,
      );
      assert.equal(
        (await store.census({ scanId: id, groupBy: [], asOf: '2025-01-01' }))[0]?.vulnerable.RolledBackFamily,
        2,
      );
    });

    it('answers a census alongside a batch that fails, rolls back and is written again, whatever their interleaving', async () => {
      const id = await store.createScan(meta());
      await store.addHosts(id, [
        { record: makeRecord({ ip: '192.0.2.1', vulns: [['ProxyLogon', 'vulnerable']] }) },
      ]);
      await store.finishScan(id, 'complete');
      const other = await store.createScan(meta());
      const bad = { record: { ...makeRecord({ ip: '192.0.2.9' }), ip: null as unknown as string } };
      const ticks = async (n: number): Promise<void> => {
        for (let i = 0; i < n; i++) await Promise.resolve();
      };
      for (let d = 0; d < 40; d += 3) {
        for (const censusFirst of [true, false]) {
          const census = (async () => {
            if (!censusFirst) await ticks(d);
            return store.census({ scanId: id, groupBy: ['family'], asOf: '2025-01-01' });
          })();
          const failing = (async () => {
            if (censusFirst) await ticks(d);
            return store.addHosts(other, [
              { record: makeRecord({ ip: '192.0.2.2', vulns: [['ProxyShell', 'likely']] }) },
              bad,
            ]);
          })();
          const [rows, write] = await Promise.allSettled([census, failing]);
          assert.equal(write.status === 'fulfilled' && write.value.length, 1);
          assert.equal(
            rows.status,
            'fulfilled',
            `census failed (d=${d}): ${rows.status === 'rejected' ? String(rows.reason) : ''}`,
          );
          if (rows.status === 'fulfilled')
            assert.equal(
              rows.value.find((r) => r.group.family === 'ProxyLogon')?.vulnerable.ProxyLogon,
              1,
              `d=${d} ${censusFirst ? 'census first' : 'write first'}`,
            );
        }
      }
    });

    it('keeps scans apart', async () => {
      const id = await store.createScan(meta());
      await store.addHosts(id, [{ record: makeRecord({ ip: '192.0.2.1', kind: 'not-exchange' }) }]);
      assert.equal((await store.getScan(id))?.counts.exchange, 0);
      assert.equal((await store.getScan(scanId))?.counts.exchange, 6);
    });

    it('streams many hosts in pages and tolerates writes while streaming', async () => {
      const id = await store.createScan(meta());
      const hosts: StoredHost[] = [];
      for (let i = 0; i < 1234; i++)
        hosts.push({ record: makeRecord({ ip: `10.0.${i >> 8}.${i & 255}`, port: i % 2 ? 443 : 80 }) });
      await store.addHosts(id, hosts);
      let n = 0;
      let prev = '';
      for await (const h of store.iterateHosts(id)) {
        const key = `${h.record.ip}\u0000${String(h.record.port).padStart(5, '0')}`;
        assert.ok(key > prev, `order: ${key} after ${prev}`);
        prev = key;
        n += 1;
        // Re-judging in place while streaming, as reclassify does.
        if (n % 400 === 0)
          await store.addHosts(id, [{ record: { ...h.record, status: 'not-exchange', isExchange: false } }]);
      }
      assert.equal(n, 1234);
      assert.equal((await store.getScan(id))?.counts.exchange, 1234 - 3);
    });

    it('lists the scans of a series with counts, the latest last', async () => {
      const series = `trend-${process.pid}-${label}`;
      const a = await store.createScan(meta({ series, startedAt: '2023-04-01T00:00:00Z' }));
      await store.addHosts(a, fleet());
      await store.finishScan(a, 'complete');
      const b = await store.createScan(meta({ series, startedAt: '2023-12-01T00:00:00Z' }));
      await store.addHosts(b, fleet().slice(2));
      await store.finishScan(b, 'complete');
      const c = await store.createScan(meta({ series, startedAt: '2024-02-01T00:00:00Z' }));
      await store.addHosts(c, fleet().slice(4));
      assert.deepEqual(
        (await store.listScans()).filter((x) => x.series === series).map((x) => [x.id, x.counts.exchange]),
        [
          [a, 6],
          [b, 4],
          [c, 2],
        ],
      );
      assert.equal((await store.latestScan(series))?.id, b, 'the newest complete scan: c is unfinished');
      assert.ok((await store.families()).includes('ProxyLogon'));
    });

    it('orders and chooses scans by when their data was observed; drops only empty scans', async () => {
      const series = `observed-${process.pid}-${label}`;
      // ingested November first, then April
      const nov = await store.createScan(meta({ series, startedAt: '2026-12-01T00:00:00Z' }));
      await store.addHosts(nov, fleet().slice(4));
      await store.setObservedWindow(nov, {
        first: '2025-11-02T00:00:00.000Z',
        last: '2025-11-03T00:00:00.000Z',
      });
      await store.finishScan(nov, 'complete');
      const apr = await store.createScan(meta({ series, startedAt: '2026-12-02T00:00:00Z' }));
      await store.addHosts(apr, fleet());
      await store.setObservedWindow(apr, {
        first: '2025-04-01T00:00:00.000Z',
        last: '2025-04-02T00:00:00.000Z',
      });
      await store.finishScan(apr, 'complete');
      const mine = (await store.listScans()).filter((x) => x.series === series);
      assert.deepEqual(
        mine.map((x) => [x.id, x.observed]),
        [
          [apr, { first: '2025-04-01T00:00:00.000Z', last: '2025-04-02T00:00:00.000Z' }],
          [nov, { first: '2025-11-02T00:00:00.000Z', last: '2025-11-03T00:00:00.000Z' }],
        ],
      );
      assert.equal((await store.latestScan(series))?.id, nov);
      assert.equal(await store.dropEmptyScan(apr), false, 'a scan holding records is kept');
      const empty = await store.createScan(meta({ series }));
      assert.equal(await store.dropEmptyScan(empty), true);
      assert.equal(await store.getScan(empty), null);
    });

    it('counts counted records in every census, lists none of them, and forgets them on reset', async () => {
      const id = await store.createScan(meta());
      const batch = store.newBatch();
      for (const h of fleet()) batch.add(h);
      batch.addPlain({
        source: 'shodan',
        country: 'DE',
        continent: 'EU',
        asn: 3320,
        asnOrg: 'Deutsche Telekom AG',
        n: 40,
      });
      batch.addPlain({
        source: 'shodan',
        country: 'BR',
        continent: 'SA',
        asn: 28573,
        asnOrg: 'Claro S.A.',
        n: 7,
      });
      await store.addBatch(id, batch);
      const more = store.newBatch(); // a batch of counts alone
      more.addPlain({
        source: 'shodan',
        country: 'DE',
        continent: 'EU',
        asn: 3320,
        asnOrg: 'Deutsche Telekom AG',
        n: 2,
      });
      await store.addBatch(id, more);
      // before finishScan (straight from the tables), then after (from the cubes)
      assert.deepEqual((await store.getScan(id))?.counts, { hosts: 10 + 49, exchange: 6, suspect: 1 });
      await store.finishScan(id, 'complete');
      assert.deepEqual((await store.getScan(id))?.counts, { hosts: 10 + 49, exchange: 6, suspect: 1 });
      const [all] = await store.census({ scanId: id, groupBy: [], asOf: '2024-01-01' });
      assert.equal(all?.hosts, 59);
      assert.equal(all?.exchange, 6);
      assert.equal(all?.vulnerable.ProxyLogon, 2);
      const status = await store.census({ scanId: id, groupBy: ['status'], asOf: '2024-01-01' });
      assert.equal(byGroup(status, 'status', 'not-exchange')?.hosts, 1 + 49);
      const country = await store.census({
        scanId: id,
        groupBy: ['continent', 'country'],
        asOf: '2024-01-01',
      });
      assert.deepEqual(
        [
          byGroup(country, 'country', 'DE')?.hosts,
          byGroup(country, 'country', 'DE')?.exchange,
          byGroup(country, 'country', 'BR')?.hosts,
        ],
        [44, 2, 7],
      );
      const asn = await store.census({ scanId: id, groupBy: ['asn'], asOf: '2024-01-01' });
      assert.deepEqual(
        [
          byGroup(asn, 'asn', 28573)?.hosts,
          byGroup(asn, 'asn', 28573)?.asnOrg,
          byGroup(asn, 'asn', 3320)?.hosts,
        ],
        [7, 'Claro S.A.', 44],
      );
      // no cube has country and ASN together: the host table and the counts answer it
      const both = await store.census({ scanId: id, groupBy: ['country', 'asn'], asOf: '2024-01-01' });
      assert.equal(both.find((r) => r.group.country === 'BR' && r.group.asn === 28573)?.hosts, 7);
      assert.equal(
        both.reduce((t, r) => t + r.hosts, 0),
        59,
      );
      let listed = 0;
      for await (const _ of store.iterateHosts(id)) listed++;
      assert.equal(listed, 10, 'counted records are not listed');
      await store.resetPlainCounts(id);
      assert.deepEqual((await store.getScan(id))?.counts, { hosts: 10, exchange: 6, suspect: 1 });
      assert.equal((await store.census({ scanId: id, groupBy: [], asOf: '2024-01-01' }))[0]?.hosts, 10);
    });

    it('stores an observation given as JSON text or bytes and reads it back as the object', async () => {
      const id = await store.createScan(meta());
      const [a, b] = fleet();
      const objectOf = (h: StoredHost | undefined) =>
        (h?.observation as { observation: unknown }).observation;
      const asText: StoredHost = {
        record: { ...a!.record, ip: '192.0.2.201' },
        observation: { kind: 'json', json: JSON.stringify(objectOf(a)) },
      };
      const asBytes: StoredHost = {
        record: { ...b!.record, ip: '192.0.2.202' },
        observation: { kind: 'json', json: new TextEncoder().encode(JSON.stringify(objectOf(b))) },
      };
      await store.addHosts(id, [asText, asBytes]);
      const got = new Map<string, StoredHost>();
      for await (const h of store.iterateHosts(id)) got.set(h.record.ip, h);
      assert.deepEqual(got.get('192.0.2.201')?.observation, a!.observation);
      assert.deepEqual(got.get('192.0.2.202')?.observation, b!.observation);
    });

    it('stores a source line given as text or bytes and reads it back as text with its reader', async () => {
      const id = await store.createScan(meta());
      const [a, b] = fleet();
      const text =
        '{"ip_str": "192.0.2.203", "port": 443, "data": "HTTP/1.1 200 OK\\r\\nX-OWA-Version: 15.1.2507.6\\r\\n", "note": "caf\u00e9 \u2713"}';
      const asText: StoredHost = {
        record: { ...a!.record, ip: '192.0.2.203' },
        observation: { kind: 'line', reader: 'shodan', text },
      };
      const asBytes: StoredHost = {
        record: { ...b!.record, ip: '192.0.2.204' },
        observation: {
          kind: 'line',
          reader: 'masscan/list',
          text: new TextEncoder().encode('open tcp 443 192.0.2.204 1700000000'),
        },
      };
      await store.addHosts(id, [asText, asBytes]);
      const got = new Map<string, StoredHost>();
      for await (const h of store.iterateHosts(id)) got.set(h.record.ip, h);
      assert.deepEqual(got.get('192.0.2.203')?.observation, { kind: 'line', reader: 'shodan', text });
      assert.deepEqual(got.get('192.0.2.204')?.observation, {
        kind: 'line',
        reader: 'masscan/list',
        text: 'open tcp 443 192.0.2.204 1700000000',
      });
      // written again as an observation, the line is gone
      await store.addHosts(id, [{ record: asText.record, observation: a!.observation! }]);
      for await (const h of store.iterateHosts(id)) got.set(h.record.ip, h);
      assert.deepEqual(got.get('192.0.2.203')?.observation, a!.observation);
    });

    it("pages hosts sorted and filtered, with the filter's total", async () => {
      const page = (q: Partial<Parameters<Store['hostPage']>[0]>) =>
        store.hostPage({ scanId, filter: {}, sort: 'ip', desc: false, limit: 50, offset: 0, ...q });
      const all = await page({});
      assert.equal(all.total, 10);
      assert.deepEqual(
        all.rows.map((r) => r.ip),
        fleet()
          .map((h) => h.record.ip)
          .sort(),
      );
      const ex = await page({
        filter: { exchangeOnly: true },
        sort: 'country',
        desc: true,
        limit: 2,
        offset: 1,
      });
      assert.equal(ex.total, 6);
      // countries descending: US, US, FR, FR, DE, DE (ties by ip descending); rows 2 and 3
      assert.deepEqual(
        ex.rows.map((r) => [r.country, r.ip]),
        [
          ['US', '198.51.100.1'],
          ['FR', '192.0.2.3'],
        ],
      );
      const first = (await page({ filter: { exchangeOnly: true }, limit: 1 })).rows[0];
      assert.deepEqual(first, {
        ip: '192.0.2.1',
        port: 443,
        hostname: first?.hostname ?? null,
        source: 'shodan',
        observedAt: first?.observedAt,
        status: 'exchange',
        isExchange: true,
        suspect: false,
        product: 'Exchange Server 2013',
        release: 'Exchange Server 2013 CU23',
        build: first?.build,
        eolDate: '2023-04-11',
        continent: 'EU',
        country: 'DE',
        asn: 3320,
        asnOrg: 'Deutsche Telekom AG',
        vulnerable: ['ProxyLogon', 'ProxyShell'].sort(
          (a, b) => first!.vulnerable.indexOf(a) - first!.vulnerable.indexOf(b),
        ),
        likely: ['ProxyNotShell'],
        evidence: first?.evidence,
        confidence: first?.confidence,
      });
      const vuln = await page({ filter: { family: ['ProxyShell'], familyVerdict: 'vulnerable' } });
      assert.deepEqual(
        vuln.rows.map((r) => r.ip),
        ['192.0.2.1'],
      );
      const likely = await page({ filter: { family: ['ProxyShell'], familyVerdict: 'likely' } });
      assert.deepEqual(
        likely.rows.map((r) => r.ip),
        ['192.0.2.2'],
      );
      const eol = await page({
        filter: { exchangeOnly: true, eol: true, asOf: '2026-01-01' },
        sort: 'eol_date',
      });
      assert.deepEqual(
        eol.rows.map((r) => r.ip),
        ['192.0.2.10', '192.0.2.1', '192.0.2.2', '198.51.100.1', '198.51.100.2'],
      );
      assert.equal((await page({ offset: 100 })).rows.length, 0);
      // a total the caller knows is not counted again
      const known = await page({ knownTotal: 99, limit: 3 });
      assert.equal(known.total, 99);
      assert.deepEqual(known.rows, all.rows.slice(0, 3));
    });

    it('finds one host by address and port', async () => {
      const want = fleet().find((h) => h.record.ip === '192.0.2.1');
      assert.deepEqual(await store.getHost(scanId, '192.0.2.1', 443), want);
      assert.equal(await store.getHost(scanId, '192.0.2.1', 444), null);
      const plain = fleet().find((h) => h.record.ip === '203.0.113.2');
      assert.deepEqual(await store.getHost(scanId, '203.0.113.2', 443), plain);
    });
  });
}
