// What readers map that the host records in test/fixtures/formats/*.expected.jsonl cannot show:
// the observation itself (HTTP statuses and headers, TLS names, transports, banner texts, the
// source's claims). Everything a host record shows (addresses, times, geo, ASN, hostnames, the
// evidence read from headers and bodies, problems) is checked by reader-fixtures.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { header, readFixture } from './helpers.js';

test('shodan NDJSON (real): read by lines; raw headers parsed, TLS name, transport, raw record kept', async () => {
  const { detected, obs } = await readFixture('shodan-sample.jsonl');
  assert.deepEqual(detected, { format: 'shodan', layout: 'lines' });
  const https = obs[0]!;
  assert.equal(https.http[0]!.status, 301);
  assert.equal(header(https, 'location'), 'https://github.com/');
  assert.equal(https.tls?.subjectCN, 'github.com');
  assert.equal(obs.find((o) => o.port === 53)?.transport, 'udp');
  assert.ok(https.raw && typeof https.raw === 'object');
});

test('shodan host-API shape (pretty-printed): read as a document, SMTP greeting and EHLO kept', async () => {
  const { detected, obs } = await readFixture('shodan-host-api.synthetic.json');
  assert.equal(detected.layout, 'document');
  assert.match(obs[1]!.banners?.smtp ?? '', /^220 mail\.example\.de Microsoft ESMTP/);
  assert.match(obs[1]!.banners?.ehlo ?? '', /^250-mail\.example\.de/);
});

test('censys v2 (real): HTTP status and headers of a service', async () => {
  const real = await readFixture('censys-v2-host-9.9.9.9.json');
  assert.equal(real.obs[1]!.http[0]!.status, 404);
  assert.equal(header(real.obs[1]!, 'Content-Type'), 'text/plain; charset=utf-8');
});

test('zgrab2: headers of the old protocol object (real), the redirect status of the new form', async () => {
  const real = await readFixture('zgrab2-http-sample.jsonl');
  assert.equal(header(real.obs[0]!, 'server'), 'lighttpd/1.4.35');
  assert.equal(header(real.obs[0]!, 'etag'), '"2262550883"');
  const syn = await readFixture('zgrab2-exchange.synthetic.jsonl');
  assert.equal(syn.obs[0]!.http.length, 2, 'redirect + final response');
  assert.equal(syn.obs[0]!.http[0]!.status, 302);
});

test('masscan -oJ, -oD and -oL: an open port carries no HTTP; banners keep their status and text', async () => {
  for (const f of ['masscan-oJ-sample.json', 'masscan-oD-ndjson-sample.json', 'masscan-oL-sample.txt']) {
    const { obs } = await readFixture(f);
    assert.deepEqual(obs[0]!.http, [], f);
  }
  const oj = await readFixture('masscan-oJ-banners.synthetic.json');
  assert.equal(oj.obs[1]!.http[0]!.status, 302);
  const ol = await readFixture('masscan-oL-banners.synthetic.txt');
  assert.equal(ol.obs[1]!.banners?.smtp, '220 mx.example.net ESMTP Postfix');
});

test('zgrab2 smtp module: the greeting without its line end, and the EHLO reply', async () => {
  const { obs } = await readFixture('zgrab2-smtp.synthetic.jsonl');
  assert.equal(
    obs[0]!.banners?.smtp,
    '220 EX01.corp.example Microsoft ESMTP MAIL Service ready at Mon, 1 Jan 2024 00:00:00 +0000',
  );
  assert.match(obs[0]!.banners?.ehlo ?? '', /^250-EX01\.corp\.example Hello/);
});

test('nmap XML: transports, the SMTP banner script and the service product', async () => {
  const real = await readFixture('nmap-sample-scanme.xml');
  assert.deepEqual(
    real.obs.map((o) => `${o.transport}/${o.port}`),
    ['tcp/22', 'tcp/53', 'tcp/80'],
    'UDP 53 is skipped (a counted problem): keyed ip:port it would take the place of TCP 53',
  );
  const syn = await readFixture('nmap-exchange.synthetic.xml');
  assert.match(syn.obs[0]!.banners?.smtp ?? '', /^220 EXCH03/);
  assert.equal(syn.obs[0]!.reported?.product, 'Microsoft Exchange smtpd');
});

test('shadowserver: tags and device product as the source reports them', async () => {
  const old = await readFixture('shadowserver-scan_exchange-sample.csv');
  assert.deepEqual(old.obs[0]!.reported?.tags, ['exchange', 'cve-2021-26855']);
  const neu = await readFixture('shadowserver-scan_exchange-2024-columns.synthetic.csv');
  assert.deepEqual(neu.obs[1]!.reported?.tags, ['exchange', 'webshell']);
  const dev = await readFixture('shadowserver-device_id-sample.csv');
  assert.equal(dev.obs[0]!.reported?.product, 'Fortinet FortiGate');
});
