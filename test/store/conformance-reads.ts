// How every Store reads back: series, observation windows, counted records, observations, pages. Part of the Store conformance suite (conformance.ts).
import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store, StoredHost } from '../../src/store/store.js';
import { byGroup, fleet, meta, type ConformanceContext } from './conformance-fixtures.js';

/** Registers these cases inside the suite's describe; `ctx` is filled by the suite's before(). */
export function readCases(ctx: ConformanceContext): void {
  let store: Store;
  let scanId: number;
  let label: string;
  before(() => {
    ({ store, scanId, label } = ctx);
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
    const objectOf = (h: StoredHost | undefined) => (h?.observation as { observation: unknown }).observation;
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
}
