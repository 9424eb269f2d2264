// Address arithmetic: IPv4 as unsigned 32-bit numbers, IPv6 as 128-bit bigints.

export type Family = 4 | 6;

export function ipv4ToInt(ip: string): number {
  let n = 0;
  for (const part of ip.split('.')) n = n * 256 + Number(part);
  return n;
}

export function intToIpv4(n: number): string {
  return `${Math.floor(n / 16777216) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Expands "::" and an embedded dotted quad, then folds the eight groups into one bigint. */
export function ipv6ToBigInt(ip: string): bigint {
  let text = ip.toLowerCase();
  const pct = text.indexOf('%');
  if (pct >= 0) text = text.slice(0, pct);
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const v4 = ipv4ToInt(dotted[1]);
    text = text.slice(0, -dotted[1].length) + `${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? 0 : 8 - headParts.length - tailParts.length;
  const groups = [...headParts, ...Array<string>(fill).fill('0'), ...tailParts];
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(parseInt(g, 16));
  return n;
}

/** RFC 5952 text form: lower case, longest zero run compressed. */
export function bigIntToIpv6(n: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((n >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** "ip:port" key used for resume; the same form as Store.doneTargets (no brackets for IPv6). */
export function targetKey(ip: string, port: number): string {
  return `${ip}:${port}`;
}

/** An address as a number for ordering: IPv4 first (0..2^32), then IPv6; anything else after both. */
function addressOrder(ip: string): [rank: number, value: bigint] {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return [0, BigInt(ipv4ToInt(ip))];
  if (ip.includes(':') && /^[0-9a-f:.%]+$/i.test(ip)) return [1, ipv6ToBigInt(ip)];
  return [2, 0n];
}

/**
 * A text whose plain string order is compareAddresses' order: sorting many keys, compute it once
 * per key (a comparator that parses both sides costs a regex per comparison).
 */
export function addressSortKey(k: string): string {
  const v6 = /^\[(.+)\]:(\d+)$/.exec(k);
  const v4 = v6 ? null : /^([\d.]+):(\d+)$/.exec(k);
  const m = v6 ?? v4;
  const ip = m ? m[1]! : k;
  const port = String(m ? Number(m[2]) : 0).padStart(5, '0');
  const [rank, value] = addressOrder(ip);
  // text that is no address: by its text, then its port (NUL ends the text so "ab" sorts before "abc")
  if (rank === 2) return `2${ip}\u0000${port}`;
  return `${rank}${value.toString(16).padStart(32, '0')}${port}`;
}

/**
 * Orders addresses numerically (10.0.0.2 before 10.0.0.10; IPv4 before IPv6); also takes host
 * keys "ip:port" and "[ipv6]:port", then by port. Text that is no address sorts last, by text.
 */
export function compareAddresses(a: string, b: string): number {
  const ka = addressSortKey(a);
  const kb = addressSortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** `items` ordered by `first` (when given), then by the address `keyOf` gives; one sort key per item. */
export function sortByAddress<T>(items: T[], keyOf: (t: T) => string, first?: (t: T) => number): T[] {
  const keyed = items.map((item) => ({
    item,
    rank: first ? first(item) : 0,
    key: addressSortKey(keyOf(item)),
  }));
  keyed.sort((x, y) => x.rank - y.rank || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return keyed.map((k) => k.item);
}
