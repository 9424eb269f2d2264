// A full record's JSON in host_data leaves out what its hosts row holds (address, port, host name,
// source, time, status, flags, geo, network): those are read back from the row. Records stored
// before, with every field in their JSON, read as they did.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/index.js';
import { hostRecordToWire } from '../../src/core/wire.js';
import type { HostRecord } from '../../src/core/host-record.js';
import { makeRecord } from './records.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-record-json-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('stored record JSON', () => {
  it('leaves out the fields of its hosts row, and reads records stored with them as before', async () => {
    const path = join(dir, 'json.db');
    const store = await openStore(path);
    const id = await store.createScan({
      name: 'j',
      kind: 'ingest',
      source: 'shodan',
      series: 'j',
      startedAt: '2025-01-01T00:00:00Z',
      inputs: [],
      options: {},
    });
    const a: HostRecord = {
      ...makeRecord({ ip: '192.0.2.81', country: 'DE', continent: 'EU', asn: 3320, org: 'DTAG' }),
      hostname: 'mail.example.org',
      statusDetail: 'read from a banner',
      windows: {
        version: '10.0.17763',
        product: 'Windows Server 2019',
        endOfSupport: '2029-01-09',
        unsupported: false,
      },
    };
    const b = makeRecord({ ip: '192.0.2.82', port: 8443 }); // no geo, no network
    const c = makeRecord({ ip: '192.0.2.83', kind: 'suspect', country: 'FR', asn: 16276 });
    await store.addHosts(id, [{ record: a }, { record: b }, { record: c }]);
    await store.close();

    const db = new Database(path);
    const json = (ip: string): Record<string, unknown> =>
      JSON.parse(
        (
          db
            .prepare('SELECT d.record FROM host_data d JOIN hosts h ON h.id = d.host_id WHERE h.ip = ?')
            .get(ip) as { record: string }
        ).record,
      ) as Record<string, unknown>;
    const stored = json('192.0.2.81');
    for (const k of [
      'ip',
      'port',
      'hostname',
      'source',
      'timestamp',
      'status',
      'is_exchange',
      'suspect',
      'geo',
      'asn',
    ])
      assert.equal(k in stored, false, `${k} is a column of the row, not in the JSON`);
    assert.equal(stored.status_detail, 'read from a banner');
    assert.ok(stored.evidence && stored.windows, 'what no column holds stays in the JSON');
    // c as a store of before kept it: every wire field in its JSON but the verdict's (stored apart)
    const cId = (db.prepare("SELECT id FROM hosts WHERE ip = '192.0.2.83'").get() as { id: number }).id;
    db.prepare('UPDATE host_data SET record = ? WHERE host_id = ?').run(
      JSON.stringify(hostRecordToWire(c, false)),
      cId,
    );
    db.close();

    const again = await openStore(path);
    try {
      const got = new Map<string, HostRecord>();
      for await (const h of again.iterateHosts(id)) got.set(h.record.ip, h.record);
      assert.deepEqual(got.get('192.0.2.81'), a);
      assert.deepEqual(got.get('192.0.2.82'), b);
      assert.deepEqual(got.get('192.0.2.83'), c);
      assert.deepEqual((await again.getHost(id, '192.0.2.81', 443))?.record, a);
    } finally {
      await again.close();
    }
  });
});
