// Counts of plain records: banners a source carried that show no Exchange marker at all (the
// pre-filter's "lite" records). A store that keeps only what the census is about takes these as
// counts by network and place instead of one row per host; worker threads count their own blocks.

/** Records without any Exchange evidence, of one country, ASN and organisation. */
export interface PlainCount {
  /** The input format the records came from. */
  source: string;
  /** ISO country code as the source gave it. */
  country: string;
  /** -1 = none given */
  asn: number;
  /** '' = none given */
  org: string;
  n: number;
}

export class PlainTally {
  private readonly cells = new Map<string, PlainCount>();

  constructor(private readonly source: string) {}

  add(country: string, asn: number, org: string): void {
    const key = `${country}\u0001${asn}\u0001${org}`;
    const c = this.cells.get(key);
    if (c) c.n++;
    else this.cells.set(key, { source: this.source, country, asn, org, n: 1 });
  }

  get size(): number {
    return this.cells.size;
  }

  /** The counts so far, and a fresh start. */
  take(): PlainCount[] {
    const all = [...this.cells.values()];
    this.cells.clear();
    return all;
  }
}
