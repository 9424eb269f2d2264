// Counts of plain records: banners a source carried that show no Exchange marker at all (the
// pre-filter's plain records). A store that keeps only what the census is about takes these as
// counts by network and place instead of one row per host; worker threads count their own blocks.
import type { PlainCount } from '../../core/plain-count.js';
import { continentOf } from '../../geo/countries.js';

export type { PlainCount } from '../../core/plain-count.js';

/** A count while it is kept here (the fields as the readers give them). */
interface Cell {
  country: string;
  /** -1 = none given */
  asn: number;
  /** '' = none given */
  org: string;
  n: number;
}

/** A count found by the bytes of its country and organisation (addBytes). */
interface ByteCell {
  count: Cell;
  /** Country bytes, then organisation bytes. */
  key: Uint8Array;
  countryLength: number;
}

// as Buffer's utf8Slice decodes the other paths' fields: a leading U+FEFF is kept, not taken for a BOM
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

export class PlainTally {
  private readonly cells = new Map<string, Cell>();
  /** Cells of addBytes, by a hash of their key (a collision list each). */
  private readonly byHash = new Map<number, ByteCell[]>();

  constructor(private readonly source: string) {}

  add(country: string, asn: number, org: string, n = 1): void {
    const key = `${country}\u0001${asn}\u0001${org}`;
    const c = this.cells.get(key);
    if (c) c.n += n;
    else this.cells.set(key, { country, asn, org, n });
  }

  /**
   * add() for fields still as UTF-8 bytes in `buf` (the native reader's output): the text is decoded
   * only for the first record of each country, ASN and organisation (decoding both and building a
   * key for every record cost the worker threads more: docs/measurements.md).
   */
  addBytes(
    buf: Uint8Array,
    countryAt: number,
    countryLength: number,
    asn: number,
    orgAt: number,
    orgLength: number,
  ): void {
    let h = (asn ^ 0x811c9dc5) >>> 0;
    for (let i = countryAt; i < countryAt + countryLength; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    h = Math.imul(h ^ 0xff, 0x01000193); // between the fields: "AB"+"C" and "A"+"BC" differ
    for (let i = orgAt; i < orgAt + orgLength; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    let list = this.byHash.get(h);
    if (list) {
      for (const c of list) {
        if (
          c.count.asn === asn &&
          c.countryLength === countryLength &&
          c.key.length === countryLength + orgLength &&
          sameBytes(c.key, 0, buf, countryAt, countryLength) &&
          sameBytes(c.key, countryLength, buf, orgAt, orgLength)
        ) {
          c.count.n++;
          return;
        }
      }
    } else this.byHash.set(h, (list = []));
    const key = new Uint8Array(countryLength + orgLength);
    key.set(buf.subarray(countryAt, countryAt + countryLength), 0);
    key.set(buf.subarray(orgAt, orgAt + orgLength), countryLength);
    const country = utf8.decode(key.subarray(0, countryLength));
    const org = utf8.decode(key.subarray(countryLength));
    // take() adds it to the counts by text: two byte forms of one text, or add() and addBytes(), meet there
    const count: Cell = { country, asn, org, n: 1 };
    list.push({ count, key, countryLength });
  }

  get size(): number {
    return this.cells.size + this.byHash.size;
  }

  /** The counts so far (one per country, ASN and organisation), and a fresh start. */
  take(): PlainCount[] {
    for (const list of this.byHash.values())
      for (const { count: c } of list) this.add(c.country, c.asn, c.org, c.n);
    this.byHash.clear();
    const all: PlainCount[] = [];
    for (const c of this.cells.values())
      all.push({
        source: this.source,
        country: c.country,
        continent: continentOf(c.country) ?? null,
        asn: c.asn >= 0 ? c.asn : null,
        asnOrg: c.org || null,
        n: c.n,
      });
    this.cells.clear();
    return all;
  }
}

function sameBytes(a: Uint8Array, at: number, b: Uint8Array, bt: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[at + i] !== b[bt + i]) return false;
  return true;
}
