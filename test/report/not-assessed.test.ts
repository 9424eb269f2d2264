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

  const jsonRows = async (args: string[]) => {
    const r = await runCli(['report', ...args, '--json', '--db', t.path, ...asOf]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  };

  it('headline: the lead sentence and every counted row say how many servers were not assessed', async () => {
    const text = await runCli(['report', '--db', t.path, ...asOf]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /1 open to ProxyLogon, ProxyShell or ProxyToken [^;]*; CVEs not assessed for 1 server \(Exchange Server 2007\)/,
    );
    assert.match(text.stdout, /CVEs not assessed \(no CVE record\)\s+1\s/);
    const rows = await jsonRows([]);
    for (const section of ['total', 'continent', 'country'])
      assert.equal(rows.find((r) => r.section === section)?.cves_not_assessed, 1, section);
    const product = (name: string) => rows.find((r) => r.section === 'product' && r.product === name);
    assert.equal(product('Exchange Server 2007')?.cves_not_assessed, 1);
    assert.equal(product('Exchange Server 2013')?.cves_not_assessed, undefined);
  });

  it('report --by release / country: a "CVEs not assessed" column, JSON and CSV alike', async () => {
    const text = await runCli(['report', '--by', 'release', '--db', t.path, ...asOf]);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.split('\n');
    assert.ok(
      lines.some((l) => /CVEs not assessed/.test(l) && /Release/.test(l)),
      text.stdout,
    );
    const row = lines.find((l) => l.includes('Exchange Server 2007 SP3')) ?? '';
    assert.match(row, /\s1\s/, row);
    const byRelease = await jsonRows(['--by', 'release']);
    const rel = (name: string) => byRelease.find((r) => String(r.release).startsWith(name));
    assert.equal(rel('Exchange Server 2007')?.cves_not_assessed, 1);
    assert.equal(rel('Exchange Server 2013')?.cves_not_assessed, undefined);
    const [de] = await jsonRows(['--by', 'country']);
    assert.equal(de?.cves_not_assessed, 1);
    const csv = await runCli(['report', '--by', 'country', '--format', 'csv', '--db', t.path, ...asOf]);
    assert.equal(csv.code, 0, csv.stderr);
    const [c] = parseCsv(csv.stdout);
    const key = Object.keys(c ?? {}).find((k) => /not.assessed/i.test(k));
    assert.ok(key, csv.stdout);
    assert.equal(c?.[key], '1');
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
