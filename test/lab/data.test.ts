import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFleetData } from '../../src/lab/fleet-data.js';
import { certPaths } from '../../src/lab/certs.js';
import { repoRoot } from '../helpers/cli.js';

const data = loadFleetData();

test('every lab build is a real row of the knowledge base (same release name and date)', () => {
  const kb = JSON.parse(readFileSync(join(repoRoot, 'data/builds.json'), 'utf8')) as {
    builds: Array<{ build: string; release: string; date: string; build_short: string }>;
  };
  const byBuild = new Map(kb.builds.map((b) => [b.build, b]));
  for (const b of data.builds) {
    const row = byBuild.get(b.build);
    assert.ok(row, `${b.build} not in data/builds.json`);
    assert.equal(row.release, b.release);
    assert.equal(row.date, b.date);
    const base = byBuild.get(b.cu_base);
    assert.ok(base, `cu_base ${b.cu_base} not in data/builds.json`);
    assert.equal(base.build_short, row.build_short, `cu_base of ${b.build} is on another CU line`);
  }
  const majors = new Set(data.builds.map((b) => b.product));
  assert.equal(majors.size, 6, '2007, 2010, 2013, 2016, 2019, SE');
});

test('the favicon is the real OWA icon (artifact A12 hashes)', () => {
  const ico = data.templates.get('owa-favicon.ico');
  assert.ok(ico);
  assert.equal(ico.length, 7886);
  assert.equal(createHash('md5').update(ico).digest('hex'), '759fade9033aa298629e4b000dcd6dde');
});

test('certificates are ECDSA P-256 with the names certs.yaml promises', () => {
  for (const entry of [...data.certs.exchange, ...data.certs.other]) {
    const p = certPaths(join(data.dir, 'certs'), entry.id);
    const cert = new X509Certificate(readFileSync(p.cert));
    assert.equal(cert.publicKey.asymmetricKeyType, 'ec', entry.id);
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1', entry.id);
    assert.match(cert.subject, new RegExp(`CN=${entry.cn.replace(/\*/g, '\\*')}`));
    for (const name of entry.san)
      assert.ok(cert.subjectAltName?.includes(`DNS:${name}`), `${entry.id} SAN ${name}`);
    assert.ok(cert.checkIssued(cert), 'self-signed');
  }
});

test('logon templates carry the markers and versioned paths a scanner reads', () => {
  const t15 = data.templates.get('owa-logon-15.html')?.toString() ?? '';
  assert.match(t15, /OwaPage = ASP\.auth_logon_aspx/);
  assert.match(t15, /\{57A118C6-2DA9-419d-BE9A-F92B0F9A418B\}/);
  assert.match(t15, /IsOwaPremiumBrowser/);
  assert.match(t15, /\/owa\/auth\/\{cu\}\/themes\/resources\/favicon\.ico/);
  assert.match(
    data.templates.get('owa-logon-14.html')?.toString() ?? '',
    /\/owa\/\{build\}\/themes\/resources\//,
  );
  assert.match(data.templates.get('owa-logon-8.html')?.toString() ?? '', /\/owa\/\{build\}\/themes\/base\//);
  assert.match(
    data.templates.get('ecp-exporttool.xml')?.toString() ?? '',
    /name="microsoft\.exchange\.ediscovery\.exporttool" version="\{cu_base\}"/,
  );
});
