// IP address parsing to integers for range lookups. Invalid input returns null, never throws.
import { isIPv4, isIPv6 } from 'node:net';
import { ipv4ToInt, ipv6ToBigInt as probeIpv6ToBigInt } from '../core/ip.js';

// The arithmetic lives in core/ip.ts; geo adds only the validity check (bad input -> null, no throw).
export function ipv4ToNumber(ip: string): number | null {
  return isIPv4(ip) ? ipv4ToInt(ip) : null;
}

/** IPv6 as a 128-bit bigint; IPv4-mapped addresses (::ffff:a.b.c.d) included. */
export function ipv6ToBigInt(ip: string): bigint | null {
  return isIPv6(ip) ? probeIpv6ToBigInt(ip) : null;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address, if it is one. */
export function mappedIpv4(ip: string): string | null {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m && isIPv4(m[1] as string) ? (m[1] as string) : null;
}
