// Offline geolocation: IP -> country, continent, ASN; names for codes; data attribution.
export { createGeoResolver, type GeoResolver, type GeoResolverOptions, type GeoLookup } from './resolver.js';
export {
  continentName,
  continentOf,
  countryName,
  isCountryCode,
  completeFromSource,
  withContinent,
} from './countries.js';
export { GEO_ATTRIBUTION, GEO_ATTRIBUTION_SHORT } from './attribution.js';
