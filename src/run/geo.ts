// Which geolocation a use case adds to records: the bundled snapshot, the user's own GeoLite2
// files, or none (only what the source carried).
import { createGeoResolver, type GeoResolver } from '../geo/index.js';

export { isCountryCode } from '../geo/index.js';

export interface GeoChoice {
  /** No lookups: keep the geo the source gave (a country still gets its continent). */
  disabled?: boolean;
  /** The user's GeoLite2 Country/City .mmdb instead of the bundled snapshot. */
  countryDb?: string;
  /** The user's GeoLite2 ASN .mmdb instead of the bundled snapshot. */
  asnDb?: string;
}

// One resolver per choice and process: its databases load on first lookup (the bundled ASN ranges
// are ~30 MB of CSV), and a worker that runs many shards would otherwise load them for each.
const resolvers = new Map<string, GeoResolver>();

export function geoResolverFor(choice: GeoChoice = {}): GeoResolver | null {
  if (choice.disabled) return null;
  const key = JSON.stringify([choice.countryDb ?? null, choice.asnDb ?? null]);
  let r = resolvers.get(key);
  if (!r) {
    r = createGeoResolver({
      ...(choice.countryDb ? { countryDb: choice.countryDb } : {}),
      ...(choice.asnDb ? { asnDb: choice.asnDb } : {}),
    });
    resolvers.set(key, r);
  }
  return r;
}
