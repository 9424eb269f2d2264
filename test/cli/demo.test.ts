// `excensus demo` end to end: lab up, scan into a fresh store, census printed, HTML written, lab down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';
import { planLab } from '../../src/lab/index.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-demo-test-'));

function refused(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });
}

test('demo scans the lab into a fresh store, prints the census, writes HTML and stops the lab', async () => {
  const db = join(dir, 'demo.db');
  const html = join(dir, 'demo.html');
  const args = [
    'demo',
    '--count',
    '48',
    '--seed',
    '5',
    '--base',
    '127.93.0.1',
    '--port',
    '29843',
    '--smtp-port',
    '29825',
    '--db',
    db,
    '--html',
    html,
    '--as-of',
    '2026-06-01',
  ];
  const r = await runCli(args);
  assert.equal(r.code, 0, r.stderr);
  const truth = planLab({ seed: 5, count: 48, base: '127.93.0.1', httpsPort: 29843, mix: 'realistic' });
  const expectedExchange = truth.filter((h) => h.expected.isExchange).length;
  assert.match(r.stdout, new RegExp(`^${expectedExchange} on-premises Exchange servers`, 'm'));
  assert.match(r.stdout, /By continent/);
  assert.match(r.stderr, /stored 48 records as scan 1/);
  assert.ok(r.stderr.trimEnd().endsWith(`open it in the dashboard: excensus serve --db ${db}`), r.stderr);

  const page = readFileSync(html, 'utf8');
  assert.match(page, /<svg/);
  assert.doesNotMatch(page, /(src|href)=["']https?:/, 'self-contained');

  const store = await openStore(db, { create: false });
  try {
    const [scan] = await store.listScans();
    assert.equal(scan?.counts.hosts, 48);
    assert.equal(scan?.state, 'complete');
    const rows = await store.census({ scanId: scan!.id, groupBy: ['continent'], asOf: '2026-06-01' });
    assert.ok(
      rows.some((row) => row.group.continent === 'EU' && row.exchange > 0),
      'lab geo reached the store',
    );
  } finally {
    await store.close();
  }
  assert.ok(await refused('127.93.0.1', 29843), 'the lab is stopped afterwards');

  // a second run refuses to overwrite a store it did not create
  const again = await runCli(args);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /exists/);
  assert.ok(existsSync(db));
});
