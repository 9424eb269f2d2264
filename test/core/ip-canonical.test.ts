// canonicalIp: one text per address, so one server is one key however the source wrote it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalIp, checkObservation, isIpAddress } from '../../src/core/values.js';
import type { Observation } from '../../src/core/observation.js';
import { readShodanPlainLine } from '../../src/ingest/readers/shodan-fast.js';

test('IPv6 is written in RFC 5952 form', () => {
  for (const a of ['2001:db8::1', '2001:DB8:0:0:0:0:0:1', '2001:0db8::0001', '2001:db8:0::0:1'])
    assert.equal(canonicalIp(a), '2001:db8::1', a);
  assert.equal(canonicalIp('::'), '::');
  assert.equal(canonicalIp('::1'), '::1');
  assert.equal(canonicalIp('2001:db8:0:1:0:0:0:1'), '2001:db8:0:1::1', 'the longest zero run');
  assert.equal(canonicalIp('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1', 'the first of equal runs');
  assert.equal(canonicalIp('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1', 'one zero group stays');
  assert.equal(canonicalIp('FE80::ABCD%eth0'), 'fe80::abcd%eth0', 'a zone is kept as written');
});

test('an IPv4-mapped address becomes its IPv4 address; IPv4 stays as is', () => {
  for (const a of ['::ffff:5.5.5.5', '::FFFF:5.5.5.5', '0:0:0:0:0:ffff:5.5.5.5', '::ffff:505:505'])
    assert.equal(canonicalIp(a), '5.5.5.5', a);
  assert.equal(canonicalIp('5.5.5.5'), '5.5.5.5');
  assert.equal(isIpAddress('05.5.5.5'), false, 'IPv4 with leading zeros is refused, not rewritten');
});

test('checkObservation stores the canonical address', () => {
  const obs = {
    ip: '2001:0DB8::0001',
    port: 443,
    timestamp: '',
    source: 'shodan',
    status: 'ok',
    http: [],
  } as unknown as Observation;
  assert.equal(checkObservation(obs), undefined);
  assert.equal(obs.ip, '2001:db8::1');
});

test('the plain-line fast path writes the address as checkObservation does', () => {
  const read = (ip: string, key = 'ip_str'): string | undefined =>
    readShodanPlainLine(JSON.stringify({ [key]: ip, port: 443, timestamp: '2026-01-01T00:00:00' }))?.ip;
  assert.equal(read('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(read('2001:0db8::0001', 'ipv6'), '2001:db8::1');
  assert.equal(read('::FFFF:192.0.2.8'), '192.0.2.8');
  assert.equal(read('192.0.2.8'), '192.0.2.8');
});
