// scan -> store wiring: records with observations, lab geo from the ground truth, --resume-scan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';
import { startLab } from '../../src/lab/index.js';
import { truthToWire } from '../../src/lab/truth-wire.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-scan-store-'));

test('scan stores judged records with lab geo, and --resume-scan neither re-probes nor duplicates', async () => {
  const lab = await startLab({
    seed: 31,
    count: 12,
    base: '127.79.0.1',
    httpsPort: 28643,
    mix: 'exchange-only',
  });
  try {
    const truth = join(dir, 'truth.jsonl');
    writeFileSync(truth, lab.hosts.map((h) => JSON.stringify(truthToWire(h))).join('\n') + '\n');
    const db = join(dir, 'scan.db');
    const args = [
      'scan',
      '127.79.0.1-127.79.0.12',
      '-p',
      '28643',
      '--db',
      db,
      '--lab-truth',
      truth,
      '--rate',
      '0',
      '--timeout',
      '2s',
      '--as-of',
      '2026-01-01',
      '--seed',
      '9',
    ];
    const r = await runCli([...args, '--name', 'lab-1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /stored 12 records as scan 1/);

    const store = await openStore(db, { create: false });
    try {
      const hosts = [];
      for await (const h of store.iterateHosts(1)) hosts.push(h);
      assert.equal(hosts.length, 12);
      for (const h of hosts) {
        const t = lab.hosts.find((x) => x.ip === h.record.ip);
        assert.equal(
          h.record.geo?.country,
          t?.geo.country,
          `${h.record.ip} carries the lab's made-up country`,
        );
        assert.equal(h.record.geo?.source, 'lab');
        assert.equal(h.record.asn?.number, t?.asn.number);
        assert.ok(
          h.observation?.kind === 'object' && h.observation.observation.http.length > 0,
          'observation kept for reclassify',
        );
      }
      const exchange = hosts.filter((h) => h.record.isExchange).length;
      assert.equal(exchange, lab.hosts.filter((h) => h.expected.isExchange).length);
    } finally {
      await store.close();
    }

    const again = await runCli([...args, '--resume-scan', 'lab-1']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /12 already done/);
    const store2 = await openStore(db, { create: false });
    try {
      const scans = await store2.listScans();
      assert.equal(scans.length, 1);
      assert.equal(scans[0]?.counts.hosts, 12);
      assert.equal(scans[0]?.state, 'complete');
    } finally {
      await store2.close();
    }
  } finally {
    await lab.stop();
  }
});
