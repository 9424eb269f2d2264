// A product with no CVE record (Exchange 2007, 2003) reads "not assessed" wherever CVE families
// are listed, never "none" or 0; a suspect's row carries no support or CVE verdict.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { parseCsv } from '../../src/kb/csv.js';
import { addScan, makeRecord, tempStore, type TempStore } from './records.js';

const de = { country: 'DE', continent: 'EU', asn: 3320, org: 'Example AG' };
const asOf = ['--as-of', '2026-01-01'];

describe('products whose CVEs are not assessed, and suspects', () => {
  let t: TempStore;
  before(async () => {
    t = await tempStore();
    const records = [
      makeRecord({ ip: '192.0.2.7', build: 'e2007', ...de }),
      makeRecord({ ip: '192.0.2.13', build: 'e2013', ...de, vulns: [['ProxyShell', 'vulnerable']] }),
      // a honeypot claiming a vulnerable build
      makeRecord({
        ip: '192.0.2.66',
        kind: 'suspect',
        build: 'e2013',
        ...de,
        vulns: [['ProxyShell', 'vulnerable']],
      }),
    ];
    await addScan(t.store, { name: 'a', startedAt: '2025-04-01T00:00:00Z' }, records);
    await addScan(t.store, { name: 'b', startedAt: '2025-11-01T00:00:00Z' }, records);
  });
  after(async () => t.cleanup());

  it('report --by product: text and JSON', async () => {
    const text = await runCli(['report', '--by', 'product', '--db', t.path, ...asOf]);
    assert.equal(text.code, 0, text.stderr);
    const line = text.stdout.split('\n').find((l) => l.includes('Exchange Server 2007')) ?? '';
    assert.match(line, /not assessed/, line);
    const json = await runCli(['report', '--by', 'product', '--json', '--db', t.path, ...asOf]);
    const rows = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(rows.find((r) => r.product === 'Exchange Server 2007')?.cves_assessed, false);
    assert.equal(rows.find((r) => r.product === 'Exchange Server 2013')?.cves_assessed, undefined);
  });

  it('hosts CSV: "not assessed" for 2007; a suspect row has no support or CVE verdict', async () => {
    const r = await runCli(['report', '--format', 'hosts', '--db', t.path, ...asOf]);
    assert.equal(r.code, 0, r.stderr);
    const rows = parseCsv(r.stdout);
    const col = (row: Record<string, string>, name: string) => row[name];
    const byIp = new Map(rows.map((row) => [row.ip, row]));
    assert.equal(col(byIp.get('192.0.2.7')!, 'vulnerable_cves'), 'not assessed');
    assert.equal(col(byIp.get('192.0.2.13')!, 'vulnerable_cves'), 'CVE-2021-34473');
    const suspect = byIp.get('192.0.2.66')!;
    assert.equal(col(suspect, 'eol'), '');
    assert.equal(col(suspect, 'eol_date'), '');
    assert.equal(col(suspect, 'vulnerable_cves'), '');
    assert.equal(col(suspect, 'recommendation'), '');
    assert.equal(col(suspect, 'tag'), 'exchange-suspect');
  });

  it('notify bundles and diff say "not assessed"', async () => {
    const out = mkdtempSync(join(tmpdir(), 'excensus-not-assessed-'));
    const n = await runCli(['notify', '--by', 'asn', '--out', out, '--db', t.path, ...asOf]);
    assert.equal(n.code, 0, n.stderr);
    const md = readFileSync(join(out, 'AS3320-example-ag.md'), 'utf8');
    assert.match(md, /192\.0\.2\.7:443: .*CVEs not assessed/);
    assert.match(md, /- CVEs not assessed \(products with no CVE record\): 1/);
    const d = await runCli(['diff', 'a', 'b', '--all', '--db', t.path, ...asOf]);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /192\.0\.2\.7\s+unchanged.*not assessed/);
  });

  it('lookup of a 2007 build', async () => {
    const r = await runCli(['lookup', '8.3.83.6', ...asOf]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Exchange Server 2007.*not assessed\s+not assessed\s+not assessed/);
  });
});
