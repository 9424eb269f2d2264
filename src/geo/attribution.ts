// Attribution the bundled geolocation data requires (CC BY 4.0), for the README and report footers.

export const GEO_ATTRIBUTION =
  'IP geolocation and network data: @ip-location-db (https://github.com/sapics/ip-location-db). ' +
  'ASN data by RouteViews (https://www.routeviews.org/), DB-IP (https://db-ip.com) and the NRO (https://www.nro.net/), ' +
  'licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). ' +
  'Country data: GeoFeed, RIR WHOIS and ASN data by the NRO, CC BY 4.0.';

/** Short form for one-line footers. */
export const GEO_ATTRIBUTION_SHORT =
  'Geo/ASN: ip-location-db (RouteViews, DB-IP https://db-ip.com, NRO), CC BY 4.0';
