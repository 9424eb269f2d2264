// Sets of address ranges (CIDRs, a-b ranges, single addresses) for the blocklist and
// user exclusions. IPv4 ranges are numbers, IPv6 ranges bigints; both kept merged and sorted.
import { isIPv4, isIPv6 } from 'node:net';
import { ipv4ToInt, ipv6ToBigInt } from '../core/ip.js';

export type Range4 = [start: number, end: number];
export type Range6 = [start: bigint, end: bigint];
export type ParsedRange =
  { family: 4; start: number; end: number } | { family: 6; start: bigint; end: bigint };

const V4_MAX = 0xffffffff;

/** Parses "a.b.c.d", "a.b.c.d/n", "a-b" (same family), and the IPv6 forms; null when malformed. */
export function parseRange(text: string): ParsedRange | null {
  const t = text.trim();
  const dash = t.indexOf('-');
  if (dash > 0) {
    const a = parseRange(t.slice(0, dash));
    const b = parseRange(t.slice(dash + 1));
    if (!a || !b || a.family !== b.family || a.start !== a.end || b.start !== b.end) return null;
    if (a.family === 4 && b.family === 4)
      return a.start <= b.start ? { family: 4, start: a.start, end: b.start } : null;
    if (a.family === 6 && b.family === 6)
      return a.start <= b.start ? { family: 6, start: a.start, end: b.start } : null;
    return null;
  }
  const slash = t.indexOf('/');
  const addr = slash >= 0 ? t.slice(0, slash) : t;
  const bitsText = slash >= 0 ? t.slice(slash + 1) : undefined;
  if (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText)) return null;
  if (isIPv4(addr)) {
    const bits = bitsText === undefined ? 32 : Number(bitsText);
    if (bits > 32) return null;
    const size = 2 ** (32 - bits);
    const start = Math.floor(ipv4ToInt(addr) / size) * size;
    return { family: 4, start, end: Math.min(start + size - 1, V4_MAX) };
  }
  if (isIPv6(addr)) {
    const bits = bitsText === undefined ? 128 : Number(bitsText);
    if (bits > 128) return null;
    const hostBits = BigInt(128 - bits);
    const start = (ipv6ToBigInt(addr) >> hostBits) << hostBits;
    return { family: 6, start, end: start + (1n << hostBits) - 1n };
  }
  return null;
}

// Two copies (number, bigint) because TypeScript has no arithmetic over the union.
function merge4(ranges: Range4[]): Range4[] {
  ranges.sort((a, b) => a[0] - b[0]);
  const out: Range4[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

function merge6(ranges: Range6[]): Range6[] {
  ranges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Range6[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1n) last[1] = r[1] > last[1] ? r[1] : last[1];
    else out.push([r[0], r[1]]);
  }
  return out;
}

function subtract4(blocked: Range4[], start: number, end: number): Range4[] {
  const out: Range4[] = [];
  let cur = start;
  for (const [s, e] of blocked) {
    if (e < cur) continue;
    if (s > end) break;
    if (s > cur) out.push([cur, s - 1]);
    if (e >= end) return out;
    cur = e + 1;
  }
  if (cur <= end) out.push([cur, end]);
  return out;
}

function subtract6(blocked: Range6[], start: bigint, end: bigint): Range6[] {
  const out: Range6[] = [];
  let cur = start;
  for (const [s, e] of blocked) {
    if (e < cur) continue;
    if (s > end) break;
    if (s > cur) out.push([cur, s - 1n]);
    if (e >= end) return out;
    cur = e + 1n;
  }
  if (cur <= end) out.push([cur, end]);
  return out;
}

export class AddressRanges {
  // Ranges are appended unsorted and merged once, on the first read: adding n ranges one by one
  // (a long --exclude file, many targets) would otherwise re-sort the whole list n times.
  private raw4: Range4[] = [];
  private raw6: Range6[] = [];
  private dirty = false;

  private get v4(): Range4[] {
    this.settle();
    return this.raw4;
  }

  private get v6(): Range6[] {
    this.settle();
    return this.raw6;
  }

  private settle(): void {
    if (!this.dirty) return;
    this.raw4 = merge4(this.raw4);
    this.raw6 = merge6(this.raw6);
    this.dirty = false;
  }

  add(r: ParsedRange): void {
    if (r.family === 4) this.raw4.push([r.start, r.end]);
    else this.raw6.push([r.start, r.end]);
    this.dirty = true;
  }

  addAll(other: AddressRanges): void {
    this.raw4.push(...other.v4);
    this.raw6.push(...other.v6);
    this.dirty = true;
  }

  /** A copy with `r` cut out (used to waive loopback for targets that lie in loopback). */
  without(r: ParsedRange): AddressRanges {
    const copy = new AddressRanges();
    copy.raw4 =
      r.family === 4 ? this.v4.flatMap(([s, e]) => subtract4([[r.start, r.end]], s, e)) : [...this.v4];
    copy.raw6 =
      r.family === 6 ? this.v6.flatMap(([s, e]) => subtract6([[r.start, r.end]], s, e)) : [...this.v6];
    return copy;
  }

  contains4(n: number): boolean {
    return this.v4.some(([s, e]) => n >= s && n <= e);
  }

  contains6(n: bigint): boolean {
    return this.v6.some(([s, e]) => n >= s && n <= e);
  }

  containsIp(ip: string): boolean {
    if (isIPv4(ip)) return this.contains4(ipv4ToInt(ip));
    if (isIPv6(ip)) return this.contains6(ipv6ToBigInt(ip));
    return false;
  }

  /** Splits [start, end] into the parts outside this set. */
  subtract4(start: number, end: number): Range4[] {
    return subtract4(this.v4, start, end);
  }

  subtract6(start: bigint, end: bigint): Range6[] {
    return subtract6(this.v6, start, end);
  }

  list4(): readonly Range4[] {
    return this.v4;
  }

  list6(): readonly Range6[] {
    return this.v6;
  }

  get size(): number {
    return this.v4.length + this.v6.length;
  }
}
