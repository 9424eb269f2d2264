// Reading a scan's host rows for host-order.ts a chunk at a time, yielding to other requests
// between chunks: the (ip, port) order as row ids, then columns in id order placed by id.
import type { SqlDriver, SqlValue } from './driver.js';

/** Rows per read: small chunks keep the garbage of row objects (and the peak RSS) low. */
const CHUNK = 5_000;

/** Where each row id stands in the (ip, port) order: an array over the scan's id range. */
export class Places {
  private constructor(
    readonly min: number,
    readonly max: number,
    private readonly pos: Int32Array,
  ) {}

  /** Null when the ids spread over a range far wider than the scan (scans written side by side). */
  static of(order: ArrayLike<number> & Iterable<number>): Places | null {
    let min = Infinity;
    let max = -Infinity;
    for (const id of order) {
      if (id < min) min = id;
      if (id > max) max = id;
    }
    if (order.length === 0) return new Places(1, 0, new Int32Array(0));
    if (max - min + 1 > 4 * order.length + 1_000_000) return null;
    const pos = new Int32Array(max - min + 1).fill(-1);
    for (let i = 0; i < order.length; i++) pos[order[i]! - min] = i;
    return new Places(min, max, pos);
  }

  /** The row's place, or -1 for an id not in the scan when it was read. */
  at(id: number): number {
    return id < this.min || id > this.max ? -1 : this.pos[id - this.min]!;
  }
}

const yieldToOthers = () => new Promise((r) => setImmediate(r));

/**
 * The scan's rows in (ip, port) order as [ip, port, id], CHUNK at a time (keyset pages: no cursor
 * stays open). Rows come as arrays, not objects: a third less CPU for a million rows.
 */
export async function* inOrder(db: SqlDriver, scanId: number) {
  let after: [string, number] | null = null;
  for (;;) {
    const params: SqlValue[] = after ? [scanId, after[0], after[1]] : [scanId];
    const rows = await db.values(
      `SELECT ip, port, id FROM hosts WHERE scan_id = ?${after ? ' AND (ip, port) > (?, ?)' : ''}
       ORDER BY ip, port LIMIT ${CHUNK}`,
      params,
    );
    yield rows;
    if (rows.length < CHUNK) return;
    const last = rows[rows.length - 1]!;
    after = [String(last[0]), Number(last[1])];
    await yieldToOthers();
  }
}

/** The scan's rows in id order over its id range as [id, ...columns] (`+scan_id`: not through the scan_id index). */
export async function* byId(db: SqlDriver, scanId: number, place: Places, columns: string) {
  let after = place.min - 1;
  for (;;) {
    const rows = await db.values(
      `SELECT id, ${columns} FROM hosts WHERE id > ? AND id <= ? AND +scan_id = ? ORDER BY id LIMIT ${CHUNK}`,
      [after, place.max, scanId],
    );
    yield rows;
    if (rows.length < CHUNK) return;
    after = Number(rows[rows.length - 1]![0]);
    await yieldToOthers();
  }
}
