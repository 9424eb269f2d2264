// IP -> country/continent and ASN, offline. Default data: the pinned @ip-location-db packages;
// users may pass MaxMind GeoLite2 (or compatible) .mmdb files. Databases load on first lookup.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { Reader, type Response } from 'maxmind';
import { ConfigError } from '../core/errors.js';
import type { AsnInfo, GeoInfo } from '../core/observation.js';
import { continentOf, withContinent } from './countries.js';
import { loadAsnIndexFromCsv, lookupAsnV4, lookupAsnV6, type AsnIndex } from './asn-index.js';
import { ipv4ToNumber, ipv6ToBigInt, mappedIpv4 } from './ip.js';
import { isNonPublic } from './special.js';

export interface GeoResolverOptions {
  /** A country (or city) .mmdb file; default: the bundled geo-whois-asn-country database. */
  countryDb?: string;
  /** An ASN .mmdb file; default: the bundled ip-location-db ASN ranges. */
  asnDb?: string;
}

export interface GeoLookup {
  geo?: GeoInfo;
  asn?: AsnInfo;
}

export interface GeoResolver {
  lookup(ip: string): GeoLookup;
  /** Keeps what the source already carried and fills only what is missing. */
  fill(ip: string, current: GeoLookup): GeoLookup;
}

type MmdbRecord = {
  country_code?: string; // ip-location-db
  country?: { iso_code?: string };
  registered_country?: { iso_code?: string };
  continent?: { code?: string };
  autonomous_system_number?: number;
  autonomous_system_organization?: string;
};

const require = createRequire(import.meta.url);
const pkgFile = (pkg: string, file: string): string =>
  require.resolve(`${pkg}/package.json`).replace(/package\.json$/, file);

/** The fields we read, whichever vendor's schema the file follows. */
interface Mmdb {
  type: string;
  get(ip: string): MmdbRecord | null;
}

function openMmdb(path: string, want: 'country' | 'asn'): Mmdb {
  let reader: Reader<Response>;
  try {
    reader = new Reader<Response>(readFileSync(path));
  } catch (err) {
    throw new ConfigError(
      'E_GEO_DB',
      `cannot read geolocation database "${path}": ${(err as Error).message}`,
      { cause: err },
    );
  }
  // GeoLite2-ASN / GeoLite2-Country / GeoLite2-City, ip-location-db's "country"...
  const type = reader.metadata.databaseType;
  const isAsn = /asn/i.test(type);
  const isCountry = /country|city/i.test(type);
  if ((want === 'asn' && !isAsn) || (want === 'country' && !isCountry)) {
    throw new ConfigError('E_GEO_DB', `"${path}" is a ${type} database, not a ${want} database`);
  }
  return { type, get: (ip) => reader.get(ip) as MmdbRecord | null };
}

export function createGeoResolver(opts: GeoResolverOptions = {}): GeoResolver {
  const geoSource = opts.countryDb ? 'user-db' : 'embedded';
  const asnSource = opts.asnDb ? 'user-db' : 'embedded';
  let country: Mmdb | null = null;
  let asnMmdb: Mmdb | null = null;
  let asnIndex: AsnIndex | null = null;
  const countryReader = () =>
    (country ??= openMmdb(
      opts.countryDb ?? pkgFile('@ip-location-db/geo-whois-asn-country-mmdb', 'geo-whois-asn-country.mmdb'),
      'country',
    ));

  function lookupAsn(ip: string): AsnInfo | undefined {
    if (opts.asnDb) {
      const r = (asnMmdb ??= openMmdb(opts.asnDb, 'asn')).get(ip);
      if (!r?.autonomous_system_number) return undefined;
      const org = r.autonomous_system_organization;
      return org
        ? { number: r.autonomous_system_number, org, source: asnSource }
        : { number: r.autonomous_system_number, source: asnSource };
    }
    asnIndex ??= loadAsnIndexFromCsv(
      pkgFile('@ip-location-db/asn', 'asn-ipv4-num.csv'),
      pkgFile('@ip-location-db/asn', 'asn-ipv6-num.csv'),
    ).index;
    const v4 = isIP(ip) === 4 ? ip : mappedIpv4(ip);
    if (v4 !== null) {
      const n = ipv4ToNumber(v4);
      return n === null ? undefined : lookupAsnV4(asnIndex, n, asnSource);
    }
    const n6 = ipv6ToBigInt(ip);
    return n6 === null ? undefined : lookupAsnV6(asnIndex, n6, asnSource);
  }

  function lookupGeo(ip: string): GeoInfo | undefined {
    const r = countryReader().get(ip);
    const code = r?.country_code ?? r?.country?.iso_code ?? r?.registered_country?.iso_code;
    if (!code) return undefined;
    const continent = r?.continent?.code ?? continentOf(code);
    return continent ? { country: code, continent, source: geoSource } : { country: code, source: geoSource };
  }

  const lookup = (ip: string): GeoLookup => {
    // Not an address (a hostname, garbage) or not public space: nothing to resolve.
    const family = isIP(ip);
    if (family === 0) return {};
    const v4 = family === 4 ? ip : mappedIpv4(ip);
    if (v4 !== null ? isNonPublic(v4, 4) : isNonPublic(ip, 6)) return {};
    const out: GeoLookup = {};
    const geo = lookupGeo(ip);
    const asn = lookupAsn(ip);
    if (geo) out.geo = geo;
    if (asn) out.asn = asn;
    return out;
  };

  return {
    lookup,
    fill(ip, current) {
      const hasGeo = Boolean(current.geo?.country);
      const hasAsn = current.asn !== undefined;
      const found = hasGeo && hasAsn ? {} : lookup(ip);
      const out: GeoLookup = {};
      if (hasGeo && current.geo) {
        // Source geo without a continent still gets one from its country.
        out.geo = withContinent(current.geo);
      } else if (found.geo) out.geo = found.geo;
      else if (current.geo) out.geo = current.geo;
      if (hasAsn) out.asn = current.asn;
      else if (found.asn) out.asn = found.asn;
      return out;
    },
  };
}
