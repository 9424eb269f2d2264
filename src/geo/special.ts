// Addresses with no public location: private, loopback, link-local, shared, documentation,
// multicast and reserved space (RFC 6890). The snapshot maps some of them to countries, wrongly.
import { BlockList } from 'node:net';

const nonPublic = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  nonPublic.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 127],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  nonPublic.addSubnet(net, bits, 'ipv6');

/** True for addresses that no geolocation database can place. IPv4-mapped IPv6 is judged as IPv4 by the caller. */
export function isNonPublic(ip: string, family: 4 | 6): boolean {
  return nonPublic.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}
