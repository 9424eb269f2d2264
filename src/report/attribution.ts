// Licence notice for the bundled geolocation data; shown in report footers and bundles.
export const GEO_ATTRIBUTION =
  'Country and AS data: ip-location-db by sapics — geo-whois-asn-country (CC0 1.0, from RIR whois and geofeeds) ' +
  'and asn (RouteViews and DB-IP, CC BY 4.0). Records whose scan source carried its own geo keep it.';
