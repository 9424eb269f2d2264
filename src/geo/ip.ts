// IP address parsing to integers for range lookups. Invalid input returns null, never throws.
import { isIPv4, isIPv6 } from 'node:net';

export function ipv4ToNumber(ip: string): number | null {
  if (!isIPv4(ip)) return null;
  const p = ip.split('.').map(Number);
  return (((p[0] as number) * 256 + (p[1] as number)) * 256 + (p[2] as number)) * 256 + (p[3] as number);
}

/** IPv6 as a 128-bit bigint; IPv4-mapped addresses (::ffff:a.b.c.d) included. */
export function ipv6ToBigInt(ip: string): bigint | null {
  if (!isIPv6(ip)) return null;
  let s = ip.split('%')[0] as string;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const n = ipv4ToNumber(v4[1] as string);
    if (n === null) return null;
    s = s.slice(0, -(v4[1] as string).length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  let out = 0n;
  for (const g of groups) out = (out << 16n) | BigInt(parseInt(g || '0', 16));
  return out;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address, if it is one. */
export function mappedIpv4(ip: string): string | null {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m && isIPv4(m[1] as string) ? (m[1] as string) : null;
}
