import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ipv4ToNumber, ipv6ToBigInt, mappedIpv4 } from '../../src/geo/ip.js';

describe('ip parsing', () => {
  it('parses IPv4', () => {
    assert.equal(ipv4ToNumber('1.0.0.0'), 16777216);
    assert.equal(ipv4ToNumber('255.255.255.255'), 4294967295);
    assert.equal(ipv4ToNumber('256.1.1.1'), null);
    assert.equal(ipv4ToNumber('example.com'), null);
  });
  it('parses IPv6 in every spelling', () => {
    assert.equal(ipv6ToBigInt('::'), 0n);
    assert.equal(ipv6ToBigInt('::1'), 1n);
    assert.equal(ipv6ToBigInt('2001:200::'), 42540528726795050063891204319802818560n); // from the ip-location-db README
    assert.equal(
      ipv6ToBigInt('2001:0200:0000:0000:0000:0000:0000:0000'),
      42540528726795050063891204319802818560n,
    );
    assert.equal(ipv6ToBigInt('::ffff:1.2.3.4'), 0xffff01020304n);
    assert.equal(ipv6ToBigInt('fe80::1%eth0'), (0xfe80n << 112n) | 1n);
    assert.equal(ipv6ToBigInt('1.2.3.4'), null);
    assert.equal(ipv6ToBigInt('2001:::1'), null);
    assert.equal(mappedIpv4('::ffff:8.8.8.8'), '8.8.8.8');
    assert.equal(mappedIpv4('::8.8.8.8'), null);
  });
});
