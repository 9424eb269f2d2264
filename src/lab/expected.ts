// What a correct non-intrusive scanner should conclude about a lab host, from what it exposes.
import type { BuildRow, Profile } from './fleet-data.js';
import type { ExpectedVerdict, LabExposure } from './types.js';

/** 2013+ builds send X-OWA-Version on EWS/autodiscover 401s from the July-2021 SU on (notes §2 T2). */
const OWA_HEADER_SINCE = '2021-07-13';

export function majorOf(build: string): number {
  return Number(build.split('.')[0]);
}

export function cuOf(build: string): string {
  return build.split('.').slice(0, 3).join('.');
}

/** Endpoints whose responses carry X-OWA-Version for this build and profile. */
export function owaHeaderEndpoints(build: BuildRow, p: Profile): string[] {
  if (p.strip_owa_version) return [];
  const endpoints = p.endpoints ?? [];
  const major = majorOf(build.build);
  if (major >= 15)
    return build.date >= OWA_HEADER_SINCE ? endpoints.filter((e) => e === 'ews' || e === 'autodiscover') : [];
  if (major === 14) return endpoints.filter((e) => e === 'owa');
  return [];
}

/**
 * Best build readable from outside:
 * - X-OWA-Version anywhere -> full; 2007/2010 logon page paths are four-part -> full;
 * - 2013+ logon path or ECP export-tool manifest (CU base build, not the SU) -> cu;
 * - otherwise product only.
 */
/** Product names the fingerprint rules give each lab front. */
const FRONT_PRODUCTS: Record<string, string> = { nginx: 'nginx', 'big-ip': 'BIG-IP' };

/**
 * Whether a scanner following the probe plan asks for NTLM host info: on EWS when published, else on
 * autodiscover when the build search gets there (2007/2010 logon pages end it with a full build first).
 */
function ntlmAsked(build: BuildRow, exposure: LabExposure): boolean {
  const has = (e: string): boolean => exposure.endpoints.includes(e);
  if (has('ews')) return true;
  return has('autodiscover') && !(majorOf(build.build) < 15 && has('owa'));
}

export function expectedForExchange(build: BuildRow, exposure: LabExposure): ExpectedVerdict {
  const ntlm = ntlmAsked(build, exposure);
  const base = {
    status: 'exchange',
    isExchange: true,
    suspect: false,
    ...(exposure.front ? { fronted: FRONT_PRODUCTS[exposure.front] ?? exposure.front } : {}),
    ...(ntlm && exposure.windowsVersion ? { windowsVersion: exposure.windowsVersion } : {}),
  } as const;
  const major = majorOf(build.build);
  const has = (e: string): boolean => exposure.endpoints.includes(e);
  if (exposure.owaVersionHeaderOn.length > 0) return { ...base, build: build.build, precision: 'full' };
  if (major < 15 && has('owa')) return { ...base, build: build.build, precision: 'full' };
  if (major >= 15 && (has('owa') || has('ecp'))) {
    // The manifest shows the CU base build; a scanner may report it as a lower bound.
    return {
      ...base,
      build: cuOf(build.build),
      precision: 'cu',
      ...(has('ecp') ? { lowerBound: build.cu_base } : {}),
    };
  }
  return { ...base, precision: 'product' };
}

export function expectedForOther(p: Profile): ExpectedVerdict {
  const e = p.expected ?? { status: 'not-exchange' };
  return { status: e.status, isExchange: false, suspect: e.suspect ?? false };
}
