// The two mask cubes a census rebuild reads the whole host table for, counted instead as a fresh
// scan's rows are written: finishScan then inserts a few thousand counted rows rather than
// sorting every host (two GROUP BYs over the scan took ~1 s per 200k records). A replaced row
// leaves the counts it was in. Only valid while every write to the scan came from this store.
import type { SqlDriver, SqlValue } from './driver.js';
import { HOST_COLUMNS } from './host-row.js';
import { ASN_MASK, GEO_MASK, type Cube } from './cubes.js';

const col = (name: (typeof HOST_COLUMNS)[number]): number => HOST_COLUMNS.indexOf(name);
const ASN_ORG = col('asn_org');

interface Cell {
  values: SqlValue[];
  n: number;
  /** Organisation names of the cell's rows, counted (MAX is taken when inserting). */
  orgs: Map<string, number> | null;
}

/** SQLite's MAX on text compares UTF-8 bytes; JavaScript compares UTF-16 units (they differ only past U+D7FF). */
function utf8Greater(a: string, b: string): boolean {
  if (/[\ud800-\uffff]/.test(a + b)) return Buffer.compare(Buffer.from(a), Buffer.from(b)) > 0;
  return a > b;
}

class MaskTally {
  private readonly cells = new Map<string, Cell>();
  private readonly at: number[];

  constructor(readonly cube: Cube) {
    this.at = [...cube.dims, 'vuln_mask', 'likely_mask'].map((d) => col(d as (typeof HOST_COLUMNS)[number]));
  }

  /** `rows`: HOST_COLUMNS-ordered values, several rows back to back; `by` +1 to add them, -1 to remove them. */
  add(rows: SqlValue[], by: 1 | -1): void {
    const width = HOST_COLUMNS.length;
    for (let base = 0; base < rows.length; base += width) {
      let key = '';
      for (const i of this.at) {
        const v = rows[base + i];
        key += v === null || v === undefined ? '\u0000|' : `${typeof v === 'string' ? 's' : 'n'}${String(v)}|`;
      }
      let cell = this.cells.get(key);
      if (!cell) {
        cell = { values: this.at.map((i) => rows[base + i] ?? null), n: 0, orgs: this.cube.asnOrg ? new Map() : null };
        this.cells.set(key, cell);
      }
      cell.n += by;
      const org = rows[base + ASN_ORG];
      if (cell.orgs && typeof org === 'string') cell.orgs.set(org, (cell.orgs.get(org) ?? 0) + by);
    }
  }

  private static maxOrg(orgs: Map<string, number> | null): string | null {
    let max: string | null = null;
    for (const [org, n] of orgs ?? []) if (n > 0 && (max === null || utf8Greater(org, max))) max = org;
    return max;
  }

  async insert(db: SqlDriver, scanId: number): Promise<void> {
    const columns = ['scan_id', ...this.cube.dims, 'vuln_mask', 'likely_mask', ...(this.cube.asnOrg ? ['asn_org'] : []), 'n'];
    const one = `(${columns.map(() => '?').join(', ')})`;
    const cells = [...this.cells.values()].filter((c) => c.n > 0);
    for (let i = 0; i < cells.length; i += 200) {
      const part = cells.slice(i, i + 200);
      const params: SqlValue[] = [];
      for (const c of part) params.push(scanId, ...c.values, ...(this.cube.asnOrg ? [MaskTally.maxOrg(c.orgs)] : []), c.n);
      await db.run(`INSERT INTO ${this.cube.table} (${columns.join(', ')}) VALUES ${part.map(() => one).join(', ')}`, params);
    }
  }
}

export class CubeTally {
  /** Committed addHosts transactions counted here: equal to the scan's data_version when all writes were ours. */
  writes = 0;
  private readonly geo = new MaskTally(GEO_MASK);
  private readonly asn = new MaskTally(ASN_MASK);

  /** One committed write: the rows it wrote and the rows those replaced. */
  add(rows: SqlValue[][], removed: SqlValue[][]): void {
    for (const r of rows) {
      this.geo.add(r, 1);
      this.asn.add(r, 1);
    }
    for (const r of removed) {
      this.geo.add(r, -1);
      this.asn.add(r, -1);
    }
    this.writes++;
  }

  /** Inserts the geo and ASN mask cubes (the caller has deleted the scan's old cubes). */
  async insert(db: SqlDriver, scanId: number): Promise<void> {
    await this.geo.insert(db, scanId);
    await this.asn.insert(db, scanId);
  }
}
