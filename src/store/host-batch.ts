// A batch of host records encoded as they arrive: a plain record becomes its hosts row at once
// (its objects need not outlive the call), a full one its JSON and the fields of its row. The batch is then split for
// writing: repeats of a target dropped (the last write wins), plain rows sorted and cut into
// INSERT-sized chunks. Holding rows instead of records until the commit keeps the records from
// surviving into V8's old generation (measured: less GC on the thread that receives them).
import type { HostBatch, PlainCount, StoredHost } from './store.js';
import { encodeHost, isEncoded, type EncodedHost } from './encoded-host.js';
import type { DriverTraits, SqlValue } from './driver.js';

/** What splitting needs to know of the database. */
export type InsertShape = Pick<DriverTraits, 'rowsPerInsert' | 'powerOfTwoInserts'>;
import { PLAIN_COLUMNS, pushPlainRow, rowFields, type RowFields } from './host-row.js';
import { isPlainRecord } from './plain-record.js';

/**
 * A full record as a batch holds it until its commit: its row fields, its JSON and its observation.
 * Not the record: kept whole, a batch's records (their evidence, signals and names) outlived
 * young-generation collections, which copied them and promoted them to the old generation.
 */
export interface BatchHost {
  readonly record: RowFields;
  readonly json: string;
  readonly observation: string | Uint8Array | null;
  readonly reader: string | null;
}

/** A batch ready to write: plain records as INSERT-sized chunks of PLAIN_COLUMNS rows, the rest with their JSON. */
export interface SplitBatch {
  plain: SqlValue[][];
  full: BatchHost[];
  /** Counted records: PLAIN_COUNT_COLUMNS rows back to back (one per country, ASN and source of the batch). */
  counts: SqlValue[];
  /** Arrival number (order of add) of each plain row, in the order of `plain`'s rows, and of each of `full`. */
  plainAt: number[];
  fullAt: number[];
}

/** Columns of plain_counts a batch writes (after scan_id). */
export const PLAIN_COUNT_COLUMNS = ['source', 'continent', 'country', 'asn', 'asn_org', 'n'] as const;

const WIDTH = PLAIN_COLUMNS.length;
const IP = PLAIN_COLUMNS.indexOf('ip');
const PORT = PLAIN_COLUMNS.indexOf('port');
const keyOf = (ip: string, port: number): string => `${ip}|${port}`;

/** Rows per plain INSERT: full chunks, then (when the driver caches one statement per text) halving sizes. */
function chunkRows(traits: InsertShape, left: number): number {
  const full = traits.rowsPerInsert.plain;
  if (left >= full) return full;
  if (!traits.powerOfTwoInserts) return left;
  let n = 1;
  while (n * 2 <= left) n *= 2;
  return n;
}

/** Cuts plain rows (PLAIN_COLUMNS values each, starting at `at` in `rows`) into INSERT-sized chunks. */
export function chunkPlainRows(
  traits: InsertShape,
  rows: readonly SqlValue[],
  at: readonly number[],
): SqlValue[][] {
  const plain: SqlValue[][] = [];
  for (let i = 0; i < at.length;) {
    const n = chunkRows(traits, at.length - i);
    const values: SqlValue[] = [];
    for (let j = i; j < i + n; j++) {
      const base = at[j] as number;
      for (let k = 0; k < WIDTH; k++) values.push(rows[base + k] as SqlValue);
    }
    plain.push(values);
    i += n;
  }
  return plain;
}

/** About how many bytes a split batch puts into the database (paces checkpoints). */
export function approxBytes(b: SplitBatch): number {
  let n = b.counts.length * 8;
  for (const values of b.plain) n += values.length * 12;
  for (const h of b.full) {
    const obs = h.observation;
    n += 300 + h.json.length + (obs === null ? 0 : typeof obs === 'string' ? obs.length : obs.byteLength);
  }
  return n;
}

export class EncodedBatch implements HostBatch {
  /** PLAIN_COLUMNS rows back to back, and the arrival number of each. */
  private readonly rows: SqlValue[] = [];
  private readonly rowSeq: number[] = [];
  private readonly full: BatchHost[] = [];
  private readonly fullSeq: number[] = [];
  private readonly counts = new Map<string, PlainCount>();
  size = 0;
  counted = 0;
  observations = 0;

  addPlain(c: PlainCount): void {
    if (c.n <= 0) return;
    const key = `${c.source}\u0001${c.country}\u0001${c.asn ?? ''}\u0001${c.asnOrg ?? ''}`;
    const cell = this.counts.get(key);
    if (cell) cell.n += c.n;
    else this.counts.set(key, { ...c });
    this.counted += c.n;
  }

  add(h: StoredHost | EncodedHost): void {
    if (!isEncoded(h) && h.observation === undefined && isPlainRecord(h.record)) {
      pushPlainRow(this.rows, h.record);
      this.rowSeq.push(this.size++);
      return;
    }
    const e = isEncoded(h) ? h : encodeHost(h);
    const obs = e.observation;
    this.full.push({
      record: rowFields(e.record),
      json: e.json,
      observation: obs,
      reader: e.reader,
    });
    this.fullSeq.push(this.size++);
    if (obs !== null) this.observations++;
  }

  /**
   * Arrival numbers of the entries a later one of the same target replaces (one statement may
   * not touch a row twice); null when none. Checked by address first: full "ip|port" keys are
   * built only for addresses seen twice.
   */
  private replaced(): Set<number> | null {
    const ipAt = new Map<string, number>();
    let twice = false;
    const see = (ip: string, seq: number): void => {
      if (ipAt.has(ip)) twice = true;
      else ipAt.set(ip, seq);
    };
    for (let i = 0; i < this.rowSeq.length; i++)
      see(this.rows[i * WIDTH + IP] as string, this.rowSeq[i] as number);
    for (let i = 0; i < this.full.length; i++)
      see((this.full[i] as BatchHost).record.ip, this.fullSeq[i] as number);
    if (!twice) return null;
    const last = new Map<string, number>();
    const targets: Array<[string, number]> = [];
    for (let i = 0; i < this.rowSeq.length; i++)
      targets.push([
        keyOf(this.rows[i * WIDTH + IP] as string, this.rows[i * WIDTH + PORT] as number),
        this.rowSeq[i] as number,
      ]);
    for (let i = 0; i < this.full.length; i++)
      targets.push([
        keyOf((this.full[i] as BatchHost).record.ip, (this.full[i] as BatchHost).record.port),
        this.fullSeq[i] as number,
      ]);
    for (const [key, seq] of targets) if ((last.get(key) ?? -1) < seq) last.set(key, seq);
    const out = new Set<number>();
    for (const [key, seq] of targets) if (last.get(key) !== seq) out.add(seq);
    return out.size > 0 ? out : null;
  }

  /**
   * The batch to write. Plain rows go in (ip, port) order: the unique index then takes its new
   * entries page after page rather than at random places (SQLite's cost per row fell from ~5.2
   * to ~4.0 us; the sort costs ~0.4).
   */
  split(traits: InsertShape): SplitBatch {
    const drop = this.replaced();
    const rows = this.rows;
    const at: number[] = [];
    for (let i = 0; i < this.rowSeq.length; i++) if (!drop?.has(this.rowSeq[i] as number)) at.push(i * WIDTH);
    at.sort((i, j) => {
      const x = rows[i + IP] as string;
      const y = rows[j + IP] as string;
      return x < y ? -1 : x > y ? 1 : (rows[i + PORT] as number) - (rows[j + PORT] as number);
    });
    const plain = chunkPlainRows(traits, rows, at);
    const plainAt = at.map((base) => this.rowSeq[base / WIDTH] as number);
    const keep = (_: unknown, i: number) => !drop?.has(this.fullSeq[i] as number);
    const full = drop ? this.full.filter(keep) : this.full;
    const fullAt = drop ? this.fullSeq.filter(keep) : this.fullSeq;
    const counts: SqlValue[] = [];
    for (const c of this.counts.values()) counts.push(c.source, c.continent, c.country, c.asn, c.asnOrg, c.n);
    return { plain, full, counts, plainAt, fullAt };
  }
}
