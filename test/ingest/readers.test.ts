// Each format's reader against real samples and synthetic Exchange records: fields mapped by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { header, readFixture } from './helpers.js';

test('shodan NDJSON (real): six banners, geo and ASN from the source, raw headers parsed', async () => {
  const { detected, obs, errors } = await readFixture('shodan-sample.jsonl');
  assert.deepEqual(detected, { format: 'shodan', layout: 'lines' });
  assert.equal(errors.length, 0);
  assert.equal(obs.length, 6);
  const https = obs[0]!;
  assert.equal(https.ip, '140.82.121.4');
  assert.equal(https.port, 443);
  assert.equal(https.timestamp, '2021-08-16T20:42:40.325Z');
  assert.deepEqual(https.geo, { country: 'DE', region: '05', city: 'Frankfurt am Main', source: 'source' });
  assert.deepEqual(https.asn, { number: 36459, org: 'GitHub, Inc.', source: 'source' });
  assert.equal(https.http[0]!.status, 301);
  assert.equal(header(https, 'location'), 'https://github.com/');
  assert.equal(https.tls?.subjectCN, 'github.com');
  assert.equal(obs.find((o) => o.port === 53)?.transport, 'udp');
  assert.ok(https.raw && typeof https.raw === 'object');
});

test('shodan gzip (real): same banners as the plain file, detected by magic bytes', async () => {
  const gz = await readFixture('shodan-sample.json.gz');
  const plain = await readFixture('shodan-sample.jsonl');
  assert.equal(gz.detected.format, 'shodan');
  assert.deepEqual(
    gz.obs.map((o) => `${o.ip}:${o.port}`),
    plain.obs.map((o) => `${o.ip}:${o.port}`),
  );
});

test('shodan synthetic Exchange: X-OWA-Version from data, OWA path in body, favicon hash', async () => {
  const { obs } = await readFixture('shodan-exchange.synthetic.jsonl');
  const ex = obs[0]!;
  assert.equal(header(ex, 'X-OWA-Version'), '15.1.2507.6');
  assert.match(ex.http[0]!.body ?? '', /\/owa\/auth\/15\.1\.2507\//);
  assert.equal(ex.hostname, 'mail.example.de');
  assert.equal(ex.http.find((h) => h.faviconMmh3 !== undefined)?.faviconMmh3, 1768726119);
});

test('shodan host-API shape (pretty-printed): banners expanded, host geo inherited, SMTP banner', async () => {
  const { detected, obs, errors } = await readFixture('shodan-host-api.synthetic.json');
  assert.equal(detected.layout, 'document');
  assert.equal(errors.length, 0);
  assert.deepEqual(
    obs.map((o) => o.port),
    [443, 25],
  );
  assert.match(obs[1]!.banners?.smtp ?? '', /^220 mail\.example\.de Microsoft ESMTP/);
  assert.match(obs[1]!.banners?.ehlo ?? '', /^250-mail\.example\.de/);
  assert.equal(obs[1]!.geo?.country, 'DE');
  assert.equal(obs[1]!.asn?.number, 3320);
});

test('censys v2 (real and synthetic envelope): one observation per service, X_OWA_Version renamed', async () => {
  const real = await readFixture('censys-v2-host-9.9.9.9.json');
  assert.equal(real.detected.format, 'censys');
  assert.deepEqual(
    real.obs.map((o) => o.port),
    [53, 443, 5053],
  );
  assert.equal(real.obs[1]!.http[0]!.status, 404);
  assert.equal(header(real.obs[1]!, 'Content-Type'), 'text/plain; charset=utf-8');
  assert.deepEqual(real.obs[0]!.geo, {
    country: 'US',
    continent: 'NA',
    region: 'California',
    city: 'Berkeley',
    source: 'source',
  });
  const syn = await readFixture('censys-v2-exchange.synthetic.json');
  assert.equal(header(syn.obs[0]!, 'X-OWA-Version'), '15.2.1118.40');
  assert.equal(syn.obs[0]!.http[0]!.path, '/owa/auth/logon.aspx');
  assert.match(syn.obs[1]!.banners?.smtp ?? '', /Microsoft ESMTP MAIL Service/);
  assert.equal(syn.obs[0]!.asn?.number, 1136);
});

test('censys platform shape: endpoints, {headers: []} values, favicon hash', async () => {
  const { obs } = await readFixture('censys-platform-host.shape-illustration.json');
  assert.equal(obs.length, 1);
  assert.equal(header(obs[0]!, 'X-OWA-Version'), '15.0.1497.2');
  assert.equal(obs[0]!.hostname, 'mail.example.com');
  assert.equal(obs[0]!.http.find((h) => h.faviconMmh3)?.faviconMmh3, 1768726119);
});

test('zgrab2: old protocol object (real) and new form with headers.unknown and redirects', async () => {
  const real = await readFixture('zgrab2-http-sample.jsonl');
  assert.equal(real.detected.format, 'zgrab2');
  assert.deepEqual(
    real.obs.map((o) => o.port),
    [80, 443],
  );
  assert.equal(header(real.obs[0]!, 'server'), 'lighttpd/1.4.35');
  assert.equal(header(real.obs[0]!, 'etag'), '"2262550883"');
  const syn = await readFixture('zgrab2-exchange.synthetic.jsonl');
  const ex = syn.obs[0]!;
  assert.equal(ex.http.length, 2, 'redirect + final response');
  assert.equal(ex.http[0]!.status, 302);
  assert.equal(header(ex, 'x-owa-version'), '15.1.2375.37');
  assert.equal(ex.hostname, 'owa.example.org');
  assert.equal(syn.obs[1]!.status, 'timeout');
  assert.match(syn.obs[1]!.statusDetail ?? '', /i\/o timeout/);
});

test('masscan -oJ, -oD and -oL: the same open port, no HTTP', async () => {
  for (const f of ['masscan-oJ-sample.json', 'masscan-oD-ndjson-sample.json', 'masscan-oL-sample.txt']) {
    const { detected, obs, errors } = await readFixture(f);
    assert.equal(detected.format, 'masscan', f);
    assert.equal(errors.length, 0, f);
    assert.equal(obs.length, 1, f);
    assert.equal(obs[0]!.ip, '8.8.8.8');
    assert.equal(obs[0]!.port, 443);
    assert.equal(obs[0]!.status, 'ok');
    assert.equal(obs[0]!.timestamp, '2023-03-30T17:32:38.000Z');
    assert.deepEqual(obs[0]!.http, []);
  }
});

test('nmap XML: open ports only, http-headers script, SMTP banner and service product', async () => {
  const real = await readFixture('nmap-sample-scanme.xml');
  assert.equal(real.detected.format, 'nmap');
  assert.deepEqual(
    real.obs.map((o) => `${o.transport}/${o.port}`),
    ['tcp/22', 'tcp/53', 'tcp/80', 'udp/53'],
  );
  assert.equal(real.obs[0]!.hostname, 'scanme.nmap.org');
  const syn = await readFixture('nmap-exchange.synthetic.xml');
  assert.deepEqual(
    syn.obs.map((o) => `${o.ip}:${o.port}`),
    ['192.0.2.60:25', '192.0.2.60:443', '192.0.2.61:443'],
  );
  assert.equal(syn.obs[0]!.hostname, 'mail.example.net', 'user-given name preferred');
  assert.match(syn.obs[0]!.banners?.smtp ?? '', /^220 EXCH03/);
  assert.equal(syn.obs[0]!.reported?.product, 'Microsoft Exchange smtpd');
  assert.equal(header(syn.obs[1]!, 'X-OWA-Version'), '15.2.1258.28');
  assert.equal(syn.obs[1]!.reported?.build, '15.2.1258.28', 'version-keyed script table');
  assert.equal(header(syn.obs[2]!, 'Server'), 'nginx/1.18.0');
});

test('shadowserver: 2021 and 2024 column sets mapped by name; version is a CU build', async () => {
  const old = await readFixture('shadowserver-scan_exchange-sample.csv');
  assert.equal(old.detected.format, 'shadowserver');
  assert.equal(old.obs.length, 7);
  const first = old.obs[0]!;
  assert.deepEqual(first.reported, {
    build: '15.2.721',
    tags: ['exchange', 'cve-2021-26855'],
    servername: 'AFS-EXCH2019',
  });
  assert.deepEqual(first.geo, { country: 'US', region: 'CALIFORNIA', city: 'TURLOCK', source: 'source' });
  assert.equal(first.asn?.number, 7018);
  assert.equal(first.timestamp, '2021-05-14T00:11:30.000Z');
  assert.equal(old.obs[4]!.reported?.build, undefined, 'empty version column');
  const neu = await readFixture('shadowserver-scan_exchange-2024-columns.synthetic.csv');
  assert.equal(neu.obs[0]!.reported?.build, '15.1.2375');
  assert.equal(neu.obs[0]!.hostname, 'mail.example.at');
  assert.deepEqual(neu.obs[1]!.reported?.tags, ['exchange', 'webshell']);
  const dev = await readFixture('shadowserver-device_id-sample.csv');
  assert.equal(dev.obs[0]!.reported?.product, 'Fortinet FortiGate');
  const http = await readFixture('shadowserver-scan_http-sample.csv');
  assert.equal(http.obs[0]!.reported?.build, undefined, 'scan_http version is not a build');
  assert.equal(header(http.obs[0]!, 'Server'), 'lighttpd');
});

test('plain CSV: header optional, quoted fields, bad rows reported with line numbers', async () => {
  const withHeader = await readFixture('plain-targets.synthetic.csv');
  assert.equal(withHeader.detected.format, 'csv');
  assert.deepEqual(
    withHeader.obs.map((o) => [o.ip, o.port, o.hostname, o.reported?.build]),
    [
      ['192.0.2.80', 443, 'mail.example.com', '15.2.1544.4'],
      ['192.0.2.81', 443, undefined, '15.1.2507'],
      ['192.0.2.82', 8443, 'owa, primary.example.com', undefined],
    ],
  );
  assert.deepEqual(
    withHeader.errors.map((e) => e.line),
    [5, 6],
  );
  const bare = await readFixture('plain-targets-noheader.synthetic.csv');
  assert.equal(bare.obs.length, 3);
  assert.equal(bare.obs[2]!.reported?.build, '15.0.1497.2');
});

test('zmap CSV (illustration): saddr answered from sport; success=0 is a refused port', async () => {
  const { detected, obs } = await readFixture('zmap-fields.illustration.csv');
  assert.equal(detected.format, 'csv');
  assert.deepEqual(
    obs.map((o) => [o.ip, o.port, o.status]),
    [
      ['192.0.2.10', 443, 'ok'],
      ['203.0.113.25', 443, 'refused'],
    ],
  );
});
