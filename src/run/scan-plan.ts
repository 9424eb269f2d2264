// What a scan would do, before it sends anything: the count of targets, ports, rate, how long at
// that rate, and the exclusions in effect. `scan --dry-run` prints it; a large scan asks first.
import {
  buildTargetSpace,
  loadBlocklist,
  loadExcludeFile,
  loadProbePlan,
  parsePorts,
} from '../probe/index.js';
import type { TargetSpec } from '../probe/index.js';
import { AddressRanges } from '../probe/address-ranges.js';
import { UsageError } from '../core/errors.js';

/** Above this many ip:port targets a scan needs a confirmation (a /16 on one port). */
export const DEFAULT_CONFIRM_ABOVE = 65_536;

export interface ScanPlan {
  /** ip:port pairs to probe. */
  targets: number;
  ports: string;
  rate: number;
  /** At the rate given; null without a rate limit. */
  estimatedSeconds: number | null;
  /** Addresses inside the ranges given that the blocklist or --exclude leave out. */
  excludedAddresses: number;
  /** Targets named one by one that are left out (blocked, or a name resolving to blocked addresses). */
  skippedTargets: number;
  exclusions: string[];
}

export async function planScan(o: {
  targets: TargetSpec[];
  ports: string;
  rate: number;
  excludeFiles?: string[];
}): Promise<ScanPlan> {
  const ports = parsePorts(o.ports, loadProbePlan().ports);
  if (typeof ports === 'string') throw new UsageError(`--ports: ${ports}`);
  const exclude = new AddressRanges();
  for (const f of o.excludeFiles ?? []) exclude.addAll(loadExcludeFile(f));
  const space = await buildTargetSpace(o.targets, ports, { blocklist: loadBlocklist(), exclude });
  return {
    targets: space.size,
    ports: o.ports,
    rate: o.rate,
    estimatedSeconds: o.rate > 0 ? Math.ceil(space.size / o.rate) : null,
    excludedAddresses: space.excludedAddresses,
    skippedTargets: space.skipped.length,
    exclusions: [
      'data/blocklist.txt (IANA special-purpose ranges; loopback only for addresses typed in 127.0.0.0/8 or ::1)',
      ...(o.excludeFiles ?? []).map((f) => `--exclude ${f}`),
    ],
  };
}

export function formatScanPlan(p: ScanPlan): string {
  const dur =
    p.estimatedSeconds === null
      ? 'unbounded rate: as fast as the network allows'
      : duration(p.estimatedSeconds);
  return [
    `targets:   ${p.targets.toLocaleString('en-US')} (ip:port)`,
    `ports:     ${p.ports}`,
    `rate:      ${p.rate === 0 ? 'no limit' : `${p.rate} new hosts/s`}`,
    `duration:  about ${dur}`,
    `excluded:  ${p.excludedAddresses.toLocaleString('en-US')} addresses of the ranges given, ${p.skippedTargets} single targets`,
    ...p.exclusions.map((e, i) => `${i === 0 ? 'exclusions:' : '          '} ${e}`),
  ].join('\n');
}

function duration(s: number): string {
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} days`;
}
