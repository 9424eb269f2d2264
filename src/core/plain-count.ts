// Records kept as a number rather than one by one: ingested records with no Exchange marker at
// all, whose source gave their country and network. They count in every census (status
// "not-exchange") but are not listed one by one (host lists, diff, exports).

export interface PlainCount {
  /** The input format the records came from. */
  source: string;
  /** ISO 3166 alpha-2 country code as the source gave it. */
  country: string;
  continent: string | null;
  asn: number | null;
  asnOrg: string | null;
  n: number;
}
