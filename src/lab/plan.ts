// Pure planning: seed + size + mix -> every host's profile, build, names, geo and expected verdict.
import { isIPv4 } from 'node:net';
import { UsageError } from '../core/errors.js';
import { ipv4ToInt, intToIpv4 } from '../core/ip.js';
import { loadFleetData, type BuildRow, type CertEntry, type FleetData, type Profile } from './fleet-data.js';
import { expectedForExchange, expectedForOther, owaHeaderEndpoints } from './expected.js';
import { makeRng, pickWeighted, shuffled, subSeed } from './rng.js';
import type { GroundTruthHost, LabExposure, LabOptions } from './types.js';

export const DEFAULT_BASE = '127.88.0.1';
export const DEFAULT_HTTPS_PORT = 18443;

/** Everything the servers need for one host, beyond the public ground truth. */
export interface HostPlan {
  truth: GroundTruthHost;
  profile: Profile;
  build?: BuildRow;
  cert?: CertEntry;
  /** ECP manifest publicKeyToken: differs per installation (notes §2 T3). */
  token: string;
  /** Per-host seed for behaviours that need randomness (garbage bytes...). */
  seed: number;
}

function checkPort(name: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 65535))
    throw new UsageError(`lab: ${name} must be a port 1-65535, got ${v}`);
}

/** Loopback only, by construction: every planned address is checked to be in 127.0.0.0/8. */
export function validateOptions(
  opts: LabOptions,
  data: FleetData,
): { base: number; httpsPort: number; mix: string } {
  if (!Number.isInteger(opts.count) || opts.count < 1)
    throw new UsageError(`lab: count must be an integer >= 1, got ${opts.count}`);
  if (!Number.isInteger(opts.seed)) throw new UsageError(`lab: seed must be an integer, got ${opts.seed}`);
  const baseIp = opts.base ?? DEFAULT_BASE;
  if (!isIPv4(baseIp) || !baseIp.startsWith('127.'))
    throw new UsageError(`lab: base must be an IPv4 address in 127.0.0.0/8, got "${baseIp}"`);
  const base = ipv4ToInt(baseIp);
  if (base + opts.count - 1 > ipv4ToInt('127.255.255.254') || base === ipv4ToInt('127.0.0.0')) {
    throw new UsageError(`lab: ${opts.count} hosts from ${baseIp} would leave 127.0.0.0/8`);
  }
  checkPort('httpsPort', opts.httpsPort);
  checkPort('httpPort', opts.httpPort);
  checkPort('smtpPort', opts.smtpPort);
  checkPort('smtpsPort', opts.smtpsPort);
  const httpsPort = opts.httpsPort ?? DEFAULT_HTTPS_PORT;
  const ports = [httpsPort, opts.httpPort, opts.smtpPort, opts.smtpsPort].filter((p) => p !== undefined);
  if (new Set(ports).size !== ports.length)
    throw new UsageError('lab: the HTTPS, HTTP, SMTP and SMTPS ports must differ');
  const mix = opts.mix ?? 'realistic';
  if (!data.mixes[mix])
    throw new UsageError(`lab: unknown mix "${mix}" (known: ${Object.keys(data.mixes).join(', ')})`);
  return { base, httpsPort, mix };
}

const STREAM_PROFILE = 1;
const STREAM_HOST = 2;

export function planFleet(opts: LabOptions, data: FleetData = loadFleetData()): HostPlan[] {
  const { base, httpsPort, mix } = validateOptions(opts, data);
  const weights = Object.entries(data.mixes[mix] ?? {}).map(([id, weight]) => ({ id, weight }));
  // The first hosts cover every profile of the mix once (in a seeded order); the rest are drawn by weight.
  const coverage = shuffled(weights, makeRng(subSeed(opts.seed, STREAM_PROFILE, 0))).map((w) => w.id);
  const plans: HostPlan[] = [];
  for (let i = 0; i < opts.count; i++) {
    const rng = makeRng(subSeed(opts.seed, STREAM_HOST, i));
    const profileId = coverage[i] ?? pickWeighted(weights, rng()).id;
    plans.push(planHost(data, profileId, intToIpv4(base + i), httpsPort, opts, rng));
  }
  return plans;
}

/** Windows a build's host runs: by its IIS version, or for IIS 10 a seeded pick for its line. */
function windowsOf(data: FleetData, build: BuildRow, seed: number): string {
  const byIis = data.windows.by_iis[build.iis];
  if (byIis) return byIis;
  const list = Object.entries(data.windows.iis10_by_build).find(([p]) =>
    build.build.startsWith(`${p}.`),
  )?.[1];
  return list?.[seed % list.length] ?? '10.0.17763';
}

function planHost(
  data: FleetData,
  profileId: string,
  ip: string,
  port: number,
  opts: LabOptions,
  rng: () => number,
): HostPlan {
  const profile = data.profiles[profileId] as Profile;
  const country = pickWeighted(data.geo.countries, rng());
  const asn = data.geo.asns[Math.floor(rng() * data.geo.asns.length)] ?? { number: 64496, org: 'lab' };
  const token = Array.from({ length: 8 }, () =>
    Math.floor(rng() * 256)
      .toString(16)
      .padStart(2, '0'),
  ).join('');
  const seed = Math.floor(rng() * 2 ** 32);
  const common = {
    ip,
    port,
    profile: profileId,
    geo: { country: country.country, continent: country.continent },
    asn: { number: asn.number, org: asn.org },
  };

  if (profile.kind === 'exchange') {
    const build = data.builds[Math.floor(rng() * data.builds.length)] as BuildRow;
    const cert = data.certs.exchange[Math.floor(rng() * data.certs.exchange.length)] as CertEntry;
    const tls = profile.tls !== false;
    const exposes: LabExposure = {
      tls,
      endpoints: [...(profile.endpoints ?? [])],
      owaVersionHeaderOn: owaHeaderEndpoints(build, profile),
      claimedBuild: build.build,
      serverName: cert.cn,
      certNames: tls ? [cert.cn, ...cert.san.filter((n) => n !== cert.cn)] : [],
      smtp: Boolean(profile.smtp && opts.smtpPort !== undefined),
      ...(opts.httpPort !== undefined ? { httpPort: opts.httpPort } : {}),
      ...(profile.front ? { front: profile.front } : {}),
      windowsVersion: windowsOf(data, build, seed),
    };
    const truth: GroundTruthHost = {
      ...common,
      kind: 'exchange',
      product: build.product,
      build: build.build,
      release: build.release,
      expected: expectedForExchange(build, exposes),
      exposes,
    };
    return { truth, profile, build, cert, token, seed };
  }

  const cert = profile.cert ? data.certs.other.find((c) => c.id === profile.cert) : undefined;
  const tls = profile.kind !== 'closed' && profile.behaviour !== 'silent';
  const exposes: LabExposure = {
    tls: tls && profile.behaviour !== 'tls-fail',
    endpoints: [],
    owaVersionHeaderOn: profile.persona === 'exchange-online' ? ['ews'] : [],
    ...(profile.claimed_build ? { claimedBuild: profile.claimed_build } : {}),
    certNames: cert ? [cert.cn, ...cert.san.filter((n) => n !== cert.cn)] : [],
    smtp: Boolean(profile.smtp_iis && opts.smtpPort !== undefined),
  };
  const truth: GroundTruthHost = {
    ...common,
    kind: profile.kind,
    expected: expectedForOther(profile),
    exposes,
  };
  return { truth, profile, ...(cert ? { cert } : {}), token, seed };
}
