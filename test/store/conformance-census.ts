// The census every Store answers: headline counts, groups, filters and families. Part of the Store conformance suite (conformance.ts).
import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CensusFilter, CensusRow, GroupKey, Store, StoredHost } from '../../src/store/store.js';
import { byGroup, fleet, meta, type ConformanceContext } from './conformance-fixtures.js';

/** Registers these cases inside the suite's describe; `ctx` is filled by the suite's before(). */
export function censusCases(ctx: ConformanceContext): void {
  let store: Store;
  let scanId: number;
  before(() => {
    ({ store, scanId } = ctx);
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
}
