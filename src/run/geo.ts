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

export function geoResolverFor(choice: GeoChoice = {}): GeoResolver | null {
  if (choice.disabled) return null;
  return createGeoResolver({
    ...(choice.countryDb ? { countryDb: choice.countryDb } : {}),
    ...(choice.asnDb ? { asnDb: choice.asnDb } : {}),
  });
}
