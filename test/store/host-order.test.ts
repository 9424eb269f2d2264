// The host table's in-memory order of a finished scan (store/host-order.ts) held to the database:
// every sort key in both directions, NULLs, text past U+D7FF, several ports per address, every
// filter the dashboard sends, and offsets from the first page to past the end. The same store
// answers from SQL while the scan runs and from memory once it is finished.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOST_SORT_KEYS, openStore, type Store, type StoredHost } from '../../src/store/index.js';
import type { HostFilter, HostPage } from '../../src/store/store.js';
import { makeRecord } from './records.js';

const FILTERS: HostFilter[] = [
  {},
  { exchangeOnly: true },
  { country: ['DE', 'US'] },
  { continent: ['EU'], product: ['Exchange Server 2013'] },
  { status: ['suspect', 'timeout'] },
  { asn: [3320, 7018] },
  { eol: true, asOf: '2024-01-01', exchangeOnly: true },
  { eol: false, asOf: '2024-01-01' },
  { family: ['ProxyLogon'] },
  { family: ['ProxyShell', 'OWASSRF'], familyVerdict: 'likely' },
  { family: ['ProxyShell'], familyVerdict: 'vulnerable', country: ['FR'] },
  { family: ['NoSuchFamily'] },
];
const NAMES = [
  'mail.example',
  'Mail.example',
  'ämter.example',
  'mail\u{1f600}.example',
  'mail\uff21.example',
  null,
];
const PRODUCTS: Array<[string, string, string | null]> = [
  ['Exchange Server 2013', 'Exchange Server 2013 CU23', '2023-04-11'],
  ['Exchange Server 2016', 'Exchange Server 2016 CU23 Nov22SU', '2025-10-14'],
  ['Exchange Server SE', 'Exchange Server SE RTM', null],
];
const PLACES: Array<[string, string, number] | null> = [
  ['DE', 'EU', 3320],
  ['US', 'NA', 7018],
  ['FR', 'EU', 16276],
  null,
];

function fleet(): StoredHost[] {
  const out: StoredHost[] = [];
  for (let i = 0; i < 240; i++) {
    const kinds = ['exchange', 'exchange', 'exchange', 'suspect', 'timeout', 'not-exchange'] as const;
    const kind = kinds[i % kinds.length]!;
    const [product, release, eolDate] = PRODUCTS[i % PRODUCTS.length]!;
    const place = PLACES[(i * 7) % PLACES.length];
    const fams = ['ProxyLogon', 'ProxyShell', 'OWASSRF'];
    const record = makeRecord({
      ip: `${10 + (i % 3) * 90}.0.${i % 5}.${(i * 37) % 250}`,
      port: i % 4 === 0 ? 8443 : 443,
      kind,
      product,
      release,
      eolDate,
      vulns: fams.filter((_, k) => (i >> k) % 2 === 1).map((f, k) => [f, k % 2 ? 'likely' : 'vulnerable']),
      ...(place ? { country: place[0], continent: place[1], asn: place[2] } : {}),
    });
    const name = NAMES[i % NAMES.length];
    if (name) record.hostname = name;
    record.timestamp = `2025-11-${String(10 + (i % 9)).padStart(2, '0')}T10:00:00Z`;
    out.push({ record });
    // a second port of the same address
    if (i % 8 === 1)
      out.push({
        record: { ...makeRecord({ ip: record.ip, port: 80, kind: 'timeout' }), timestamp: record.timestamp },
      });
  }
  return out;
}

describe('host order of a finished scan', () => {
  let dir: string;
  let store: Store;
  let scanId: number;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'excensus-host-order-'));
    store = await openStore(join(dir, 'census.db'));
    scanId = await store.createScan({
      name: 'order',
      kind: 'ingest',
      source: 'shodan',
      series: 'order',
      startedAt: '2025-11-20T00:00:00Z',
      inputs: [],
      options: {},
    });
    await store.addHosts(scanId, fleet());
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const pages = async (): Promise<Map<string, HostPage>> => {
    const out = new Map<string, HostPage>();
    for (const sort of HOST_SORT_KEYS)
      for (const desc of [false, true])
        for (const [f, filter] of FILTERS.entries())
          for (const [offset, limit] of [
            [0, 50],
            [37, 13],
            [150, 500],
            [265, 5],
            [1000, 10],
          ] as const)
            out.set(
              `${sort} ${desc} ${f} ${offset}`,
              await store.hostPage({ scanId, filter, sort, desc, limit, offset }),
            );
    return out;
  };

  it('gives the pages, in the order and with the totals, the database gives', async () => {
    const fromSql = await pages(); // the scan is running: SQL answers
    await store.finishScan(scanId, 'complete');
    const fromMemory = await pages();
    assert.equal(fromMemory.size, fromSql.size);
    let rows = 0;
    for (const [key, want] of fromSql) {
      assert.deepEqual(fromMemory.get(key), want, key);
      rows += want.rows.length;
    }
    assert.ok(rows > 10_000, `only ${rows} rows compared`);
  });

  it('reads the scan again once it is written to', async () => {
    const q = { scanId, filter: {}, sort: 'hostname' as const, desc: false, limit: 500, offset: 0 };
    const before = await store.hostPage(q);
    const extra = makeRecord({ ip: '10.0.0.0', port: 1, kind: 'exchange', country: 'DE', continent: 'EU' });
    extra.hostname = '0-first.example';
    await store.addHosts(scanId, [{ record: extra }]);
    const afterWrite = await store.hostPage(q);
    assert.equal(afterWrite.total, before.total + 1);
    assert.deepEqual(afterWrite.rows[0]?.hostname, '0-first.example');
  });
});
