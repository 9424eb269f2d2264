import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { parseCidrFile, findBlock } from '../../src/report/cidr.js';
import { slug } from '../../src/report/safe-name.js';
import { addScan, fleet, makeRecord, tempStore, type TempStore } from './records.js';

describe('notify helpers', () => {
  it('slug keeps file names inside the directory', () => {
    assert.equal(slug('../../etc/passwd'), 'etc-passwd');
    assert.equal(slug('..'), 'unnamed');
    assert.equal(slug('Société Générale S.A.'), 'societe-generale-s-a');
    assert.ok(slug('x'.repeat(300)).length <= 48);
  });

  it('parses CIDR files, most specific block first, bad lines reported by number', () => {
    const f = parseCidrFile(
      '# owners\n192.0.2.0/24,Example Org\n192.0.2.0/28, "Small Office"\nnot-a-cidr\n10.0.0.0/33\n2001:db8::/32\n',
    );
    assert.deepEqual(
      f.errors.map((e) => e.line),
      [4, 5],
    );
    assert.equal(findBlock(f.blocks, '192.0.2.5')?.owner, 'Small Office');
    assert.equal(findBlock(f.blocks, '192.0.2.100')?.owner, 'Example Org');
    assert.equal(findBlock(f.blocks, '2001:db8::1')?.cidr, '2001:db8::/32');
    assert.equal(findBlock(f.blocks, '198.51.100.1'), undefined);
  });
});

describe('excensus notify', () => {
  let t: TempStore;
  let dir: string;
  before(async () => {
    t = await tempStore();
    dir = mkdtempSync(join(tmpdir(), 'excensus-notify-'));
    await addScan(t.store, { name: 'dec', startedAt: '2026-11-01T00:00:00Z' }, [
      ...fleet(),
      makeRecord({
        ip: '192.0.2.77',
        build: 'e2013',
        country: 'NL',
        continent: 'EU',
        asn: 64500,
        org: '../../evil/<b>Org</b>',
        hostname: '[click](http://x)',
      }),
      // the same server's other ports: one server, not three
      makeRecord({
        ip: '192.0.2.77',
        port: 25,
        country: 'NL',
        continent: 'EU',
        asn: 64500,
        org: '../../evil/<b>Org</b>',
      }),
      makeRecord({
        ip: '192.0.2.77',
        port: 8443,
        build: 'e2013',
        country: 'NL',
        continent: 'EU',
        asn: 64500,
        org: '../../evil/<b>Org</b>',
      }),
      // one owner's hosts whose text order differs from their address order
      ...['192.0.2.10', '192.0.2.9'].map((ip) =>
        makeRecord({ ip, build: 'e2013', country: 'NL', continent: 'EU', asn: 64511, org: 'Order Test' }),
      ),
    ]);
  });
  after(async () => {
    await t.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--by asn writes a CSV and a Markdown summary per AS, with safe names', async () => {
    const out = join(dir, 'asn');
    const r = await runCli(['notify', '--by', 'asn', '--out', out, '--db', t.path, '--as-of', '2026-01-01']);
    assert.equal(r.code, 0, r.stderr);
    const files = readdirSync(out).sort();
    assert.ok(files.includes('AS3320-deutsche-telekom-ag.csv'));
    assert.ok(files.includes('AS3320-deutsche-telekom-ag.md'));
    assert.ok(files.includes('AS64500-evil-b-org-b.csv'), files.join(' '));
    assert.ok(files.includes('index.csv'));
    const csv = readFileSync(join(out, 'AS3320-deutsche-telekom-ag.csv'), 'utf8').trim().split('\r\n');
    assert.equal(csv.length, 4, 'header + 3 hosts');
    assert.match(csv[0] ?? '', /^timestamp,ip,protocol,port,hostname,tag,asn,geo/);
    const md = readFileSync(join(out, 'AS3320-deutsche-telekom-ag.md'), 'utf8');
    assert.match(md, /# Exchange servers needing attention: AS3320 Deutsche Telekom AG/);
    assert.match(md, /- Past end of support: 3/);
    assert.match(
      md,
      /192\.0\.2\.1:443: Exchange Server 2013 CU23 \(15\.0\.1497\.2\); past end of support since 2023-04-11; vulnerable: ProxyLogon CVE-2021-26855/,
    );
    // readable as plain text: parentheses, dots and dashes are not escaped
    assert.doesNotMatch(md, /\\[().-]/);
    const order = readFileSync(join(out, 'AS64511-order-test.md'), 'utf8');
    assert.ok(order.indexOf('192.0.2.9:443') < order.indexOf('192.0.2.10:443'), 'hosts in address order');
    assert.match(md, /Remediation: Update Exchange Server 2013/);
    const evil = readFileSync(join(out, 'AS64500-evil-b-org-b.md'), 'utf8');
    assert.doesNotMatch(evil, /<b>|\]\(http/, 'hostile names cannot add HTML or links');
    assert.match(
      evil,
      /- Servers listed \(one per address\): 1\n/,
      'a server answering on three ports is one server',
    );
    assert.match(evil, /192\.0\.2\.77 \(ports 25, 443, 8443\)/);
    assert.equal(readFileSync(join(out, 'AS64500-evil-b-org-b.csv'), 'utf8').trim().split('\r\n').length, 2);
    // SE host (supported, nothing open) is left out without --all.
    assert.match(r.stderr, /1 host\(s\) with no finding left out/);
  });

  it('--by country and --by cidr-file', async () => {
    const byCountry = join(dir, 'country');
    assert.equal(
      (
        await runCli([
          'notify',
          '--by',
          'country',
          '--out',
          byCountry,
          '--db',
          t.path,
          '--as-of',
          '2026-01-01',
          '--all',
        ])
      ).code,
      0,
    );
    assert.ok(readdirSync(byCountry).includes('DE-germany.csv'));
    assert.equal(
      readFileSync(join(byCountry, 'US-united-states.csv'), 'utf8').trim().split('\r\n').length,
      3,
      'SE host included with --all',
    );
    const cidrs = join(dir, 'owners.txt');
    writeFileSync(cidrs, '192.0.2.0/29,Example Hosting\nbogus line\n');
    const byCidr = join(dir, 'cidr');
    const r = await runCli([
      'notify',
      '--by',
      'cidr-file',
      '--cidrs',
      cidrs,
      '--out',
      byCidr,
      '--db',
      t.path,
      '--as-of',
      '2026-01-01',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /owners\.txt:2: not a CIDR block/);
    const files = readdirSync(byCidr).sort();
    assert.ok(files.includes('192-0-2-0-29-example-hosting.csv'), files.join(' '));
    assert.ok(files.includes('cidr-unmatched.csv'), 'hosts outside every block are bundled, not dropped');
    assert.equal((await runCli(['notify', '--by', 'cidr-file', '--out', byCidr, '--db', t.path])).code, 2);
  });
});
