// Turns target specs and ports into an indexable space (addresses x ports) with the
// blocklist and exclusions already cut out, so the scan order is a permutation of indices
// and no address outside the space can ever be produced.
import { lookup } from 'node:dns/promises';
import { UsageError } from '../core/errors.js';
import { AddressRanges, type ParsedRange } from './address-ranges.js';
import { insideLoopback, LOOPBACK } from './blocklist.js';
import { bigIntToIpv6, intToIpv4, ipv4ToInt, ipv6ToBigInt } from '../core/ip.js';
import { MAX_DOMAIN } from './permutation.js';
import type { PortSpec, Protocol, TargetSpec } from './targets.js';

export interface Target {
  ip: string;
  port: number;
  protocol: Protocol;
  /** Sent as SNI and Host when the target was given by name. */
  hostname?: string;
}

/** A target given explicitly (single address or name) that the scan will not touch. */
export interface SkippedTarget {
  ip: string;
  hostname?: string;
  status: 'excluded' | 'unreachable';
  detail: string;
}

export interface TargetSpace {
  ports: PortSpec[];
  addressCount: number;
  /** addressCount x ports.length: the domain of the scan permutation. */
  size: number;
  /** Addresses of wider ranges cut out by the blocklist or --exclude: counted, never connected to. */
  excludedAddresses: number;
  skipped: SkippedTarget[];
  at(index: number): Target;
}

export interface SpaceOptions {
  blocklist: AddressRanges;
  exclude?: AddressRanges;
  /** Host name -> addresses; defaults to the system resolver. */
  resolve?: (name: string) => Promise<string[]>;
}

async function systemResolve(name: string): Promise<string[]> {
  const all = await lookup(name, { all: true });
  return all.map((a) => a.address);
}

function blockedFor(
  range: ParsedRange,
  opts: SpaceOptions,
  cache: Map<string, AddressRanges>,
): AddressRanges {
  const key = insideLoopback(range) ? 'loopback' : 'normal';
  let set = cache.get(key);
  if (!set) {
    let base = opts.blocklist;
    // A target that itself lies inside loopback is the lab: loopback entries are waived for it only.
    if (key === 'loopback') for (const l of LOOPBACK) base = base.without(l);
    set = new AddressRanges();
    set.addAll(base);
    if (opts.exclude) set.addAll(opts.exclude);
    cache.set(key, set);
  }
  return set;
}

function rangeOf(ip: string): ParsedRange {
  if (ip.includes(':')) {
    const n = ipv6ToBigInt(ip);
    return { family: 6, start: n, end: n };
  }
  const n = ipv4ToInt(ip);
  return { family: 4, start: n, end: n };
}

export async function buildTargetSpace(
  specs: TargetSpec[],
  ports: PortSpec[],
  opts: SpaceOptions,
): Promise<TargetSpace> {
  const cache = new Map<string, AddressRanges>();
  const kept = new AddressRanges();
  const skipped: SkippedTarget[] = [];
  const named: Array<{ ip: string; hostname: string }> = [];
  const seenNames = new Set<string>();
  let excludedAddresses = 0n;

  const resolved = await resolveAll(specs, opts.resolve ?? systemResolve);
  for (const spec of specs) {
    if (spec.kind === 'name') {
      if (seenNames.has(spec.name)) continue;
      seenNames.add(spec.name);
      const ips = resolved.get(spec.name);
      if (!Array.isArray(ips)) {
        skipped.push({
          ip: '',
          hostname: spec.name,
          status: 'unreachable',
          detail: `DNS: ${ips ?? 'no answer'}`,
        });
        continue;
      }
      if (ips[0] === undefined) {
        skipped.push({ ip: '', hostname: spec.name, status: 'unreachable', detail: 'DNS: no address' });
        continue;
      }
      // Every address goes through the blocklist and --exclude like a literal one, and a name never
      // gets the loopback waiver: only an address the user typed inside 127.0.0.0/8 or ::1 does.
      // The first address that passes is the one connected to (never resolved again).
      const blocked = blockedFor(rangeOf('0.0.0.0'), opts, cache);
      const ip = ips.find((a) => !blocked.containsIp(a));
      if (ip === undefined)
        skipped.push({
          ip: ips[0],
          hostname: spec.name,
          status: 'excluded',
          detail: excludeReason(ips[0], opts),
        });
      else named.push({ ip, hostname: spec.name });
      continue;
    }
    const r = spec.range;
    const blocked = blockedFor(r, opts, cache);
    if (r.start === r.end) {
      const ip = r.family === 4 ? intToIpv4(r.start) : bigIntToIpv6(r.start);
      if (blocked.containsIp(ip)) skipped.push({ ip, status: 'excluded', detail: excludeReason(ip, opts) });
      else kept.add(r);
      continue;
    }
    const total = r.family === 4 ? BigInt(r.end - r.start + 1) : r.end - r.start + 1n;
    let keptCount = 0n;
    if (r.family === 4) {
      for (const [s, e] of blocked.subtract4(r.start, r.end)) {
        kept.add({ family: 4, start: s, end: e });
        keptCount += BigInt(e - s + 1);
      }
    } else {
      for (const [s, e] of blocked.subtract6(r.start, r.end)) {
        kept.add({ family: 6, start: s, end: e });
        keptCount += e - s + 1n;
      }
    }
    excludedAddresses += total - keptCount;
  }
  return indexSpace(kept, named, ports, skipped, excludedAddresses);
}

const RESOLVE_CONCURRENCY = 32;

/** Resolves every distinct name, a few at a time: name -> addresses, or the error code. */
async function resolveAll(
  specs: TargetSpec[],
  resolve: (name: string) => Promise<string[]>,
): Promise<Map<string, string[] | string>> {
  const names = [...new Set(specs.flatMap((s) => (s.kind === 'name' ? [s.name] : [])))];
  const out = new Map<string, string[] | string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const name = names[next++] as string;
      try {
        out.set(name, await resolve(name));
      } catch (err) {
        out.set(name, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(RESOLVE_CONCURRENCY, names.length) }, worker));
  return out;
}

function excludeReason(ip: string, opts: SpaceOptions): string {
  return opts.exclude?.containsIp(ip)
    ? 'excluded by --exclude'
    : 'IANA special-purpose address (data/blocklist.txt)';
}

function indexSpace(
  kept: AddressRanges,
  named: Array<{ ip: string; hostname: string }>,
  ports: PortSpec[],
  skipped: SkippedTarget[],
  excluded: bigint,
): TargetSpace {
  // Cumulative start index of each range, for a binary search from index to address.
  const starts: number[] = [];
  const bases: Array<{ family: 4; start: number } | { family: 6; start: bigint }> = [];
  let total = 0n;
  for (const [s, e] of kept.list4()) {
    starts.push(Number(total));
    bases.push({ family: 4, start: s });
    total += BigInt(e - s + 1);
  }
  for (const [s, e] of kept.list6()) {
    starts.push(Number(total));
    bases.push({ family: 6, start: s });
    total += e - s + 1n;
  }
  const rangeCount = total;
  total += BigInt(named.length);
  if (total * BigInt(ports.length) > BigInt(MAX_DOMAIN)) {
    throw new UsageError(
      `target space too large: ${total} addresses x ${ports.length} ports (limit ${MAX_DOMAIN}); use longer IPv6 prefixes`,
    );
  }
  const addressCount = Number(total);
  const rangeAddresses = Number(rangeCount);
  const portCount = ports.length;
  return {
    ports,
    addressCount,
    size: addressCount * portCount,
    excludedAddresses: Number(excluded),
    skipped,
    at(index: number): Target {
      const a = Math.floor(index / portCount);
      const p = ports[index % portCount] as PortSpec;
      if (a >= rangeAddresses) {
        const n = named[a - rangeAddresses] as { ip: string; hostname: string };
        return { ip: n.ip, port: p.port, protocol: p.protocol, hostname: n.hostname };
      }
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((starts[mid] as number) <= a) lo = mid;
        else hi = mid - 1;
      }
      const base = bases[lo] as (typeof bases)[number];
      const off = a - (starts[lo] as number);
      const ip = base.family === 4 ? intToIpv4(base.start + off) : bigIntToIpv6(base.start + BigInt(off));
      return { ip, port: p.port, protocol: p.protocol };
    },
  };
}
