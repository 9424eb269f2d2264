// The census counts servers (IP addresses), not ip:port records: a server's records on every
// port are one judgement, the most precise build stands for it, any suspect port makes it a
// suspect; `--by port` still counts records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';
import { census } from '../../src/run/report.js';
import { combineServer, serversOf } from '../../src/core/server.js';
import { makeRecord } from '../store/records.js';
import { meta } from '../store/conformance.js';

const cu = (ip: string, port: number) => {
  // the SMTP port names the product only: no build, no end-of-support date
  const r = makeRecord({ ip, port, product: 'Exchange Server 2016', eolDate: null });
  r.classification = { ...r.classification!, build: '15.1', precision: 'product', release: null };
  return r;
};

const fleet = [
  makeRecord({ ip: '192.0.2.1', port: 443, eolDate: '2025-10-14', vulns: [['ProxyShell', 'vulnerable']] }),
  cu('192.0.2.1', 25),
  makeRecord({ ip: '192.0.2.2', port: 443, product: 'Exchange Server SE', eolDate: null }),
  makeRecord({ ip: '192.0.2.3', port: 443, eolDate: '2025-10-14' }),
  makeRecord({ ip: '192.0.2.3', port: 8443, kind: 'suspect' }),
];

test('one server per address in every census count; --by port counts records', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'excensus-servers-'));
  const store = await openStore(join(dir, 's.db'));
  try {
    const id = await store.createScan(meta());
    await store.addHosts(
      id,
      fleet.map((record) => ({ record })),
    );
    await store.finishScan(id, 'complete');
    const asOf = '2026-01-01';
    const total = (await census(store, { scan: String(id), groupBy: [], filter: {}, asOf })).total;
    assert.deepEqual(
      { hosts: total.hosts, exchange: total.exchange, suspect: total.suspect, eol: total.eol },
      { hosts: 3, exchange: 2, suspect: 1, eol: 1 },
      'two Exchange servers (one past support, its SMTP port not lowering the share) and one suspect',
    );
    assert.deepEqual(total.vulnerable, { ProxyShell: 1 });
    const byPort = await census(store, { scan: String(id), groupBy: ['port'], filter: {}, asOf });
    const ports = Object.fromEntries(byPort.rows.map((r) => [String(r.group.port), r.hosts]));
    assert.deepEqual(ports, { '25': 1, '443': 3, '8443': 1 });
    // the same servers, combined in TypeScript from the records as stored
    const records = [];
    for await (const h of store.iterateHosts(id)) records.push(h.record);
    const servers = [];
    for await (const s of serversOf(records)) servers.push(s);
    assert.deepEqual(
      servers.map((s) => [s.ip, s.status, s.ports, s.classification?.build ?? null]),
      [
        ['192.0.2.1', 'exchange', [25, 443], '15.1.2507.6'],
        ['192.0.2.2', 'exchange', [443], '15.1.2507.6'],
        ['192.0.2.3', 'suspect', [443, 8443], '15.1.2507.6'],
      ],
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the record with the most precise build stands for the server, whatever the port order', () => {
  const a = combineServer([cu('192.0.2.9', 25), makeRecord({ ip: '192.0.2.9', port: 443 })]);
  const b = combineServer([makeRecord({ ip: '192.0.2.9', port: 443 }), cu('192.0.2.9', 25)]);
  assert.equal(a.port, 443);
  assert.deepEqual(a, b);
  const s = combineServer([
    makeRecord({ ip: '192.0.2.9', port: 443 }),
    makeRecord({ ip: '192.0.2.9', port: 80, kind: 'suspect' }),
  ]);
  assert.equal(s.suspect, true);
  assert.equal(s.isExchange, false);
  assert.deepEqual(s.evidence.suspectReasons, ['honeypot: contradicting versions']);
});
