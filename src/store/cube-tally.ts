// The two mask cubes a census rebuild reads the whole host table for, counted instead as a fresh
// scan's rows are written: finishScan then inserts a few thousand counted rows rather than
// sorting every host (two GROUP BYs over the whole scan). A replaced row
// leaves the counts it was in. Only valid while every write to the scan came from this store.
import type { SqlDriver, SqlValue } from './driver.js';
import { HOST_COLUMNS, PLAIN_COLUMNS } from './host-row.js';
import { ASN_MASK, GEO_MASK, type Cube } from './cubes.js';
import type { WriteResult } from './host-writer.js';
import { PLAIN_COUNT_COLUMNS } from './host-batch.js';
import { utf8Compare } from './utf8-order.js';

const col = (name: (typeof HOST_COLUMNS)[number]): number => HOST_COLUMNS.indexOf(name);
const ASN_ORG = col('asn_org');
const plainCol = (name: (typeof PLAIN_COLUMNS)[number]): number => PLAIN_COLUMNS.indexOf(name);
const P = {
  continent: plainCol('continent'),
  country: plainCol('country'),
  asn: plainCol('asn'),
  org: plainCol('asn_org'),
  status: plainCol('status'),
  exchange: plainCol('is_exchange'),
  suspect: plainCol('suspect'),
};
const PLAIN_WIDTH = PLAIN_COLUMNS.length;
const COUNT_WIDTH = PLAIN_COUNT_COLUMNS.length;
const countCol = (name: (typeof PLAIN_COUNT_COLUMNS)[number]): number => PLAIN_COUNT_COLUMNS.indexOf(name);
const COUNT = {
  continent: countCol('continent'),
  country: countCol('country'),
  asn: countCol('asn'),
  org: countCol('asn_org'),
  n: countCol('n'),
};

/** The PLAIN_COLUMNS row a counted record would have had (only the columns the cubes read). */
function plainRowOfCount(counts: SqlValue[], i: number): SqlValue[] {
  const row: SqlValue[] = new Array<SqlValue>(PLAIN_WIDTH).fill(null);
  row[P.continent] = counts[i + COUNT.continent] ?? null;
  row[P.country] = counts[i + COUNT.country] ?? null;
  row[P.asn] = counts[i + COUNT.asn] ?? null;
  row[P.org] = counts[i + COUNT.org] ?? null;
  row[P.status] = 'not-exchange';
  row[P.exchange] = 0;
  row[P.suspect] = 0;
  return row;
}

interface Cell {
  values: SqlValue[];
  n: number;
  /** Organisation names of the cell's rows, counted (MAX is taken when inserting). */
  orgs: Map<string, number> | null;
}

/** A cell's value at one level of its CellIndex: null and strings and numbers kept apart (as Map keys are). */
const exact = (v: SqlValue | undefined): unknown =>
  v === null || v === undefined ? null : typeof v === 'bigint' ? Number(v) : v;
/** The same for plain rows' few values, where a number and its text fall in one cell. */
const loose = (v: SqlValue | undefined): unknown =>
  v === null || v === undefined ? null : typeof v === 'string' ? v : String(v);

/**
 * Cells by their values, one nested map per dimension: a row finds its cell by a lookup per value,
 * with no key text to build and hash (that cost ~3 us per row and cube on Exchange-heavy files).
 * `cells` keeps them in the order they were made.
 */
class CellIndex {
  private readonly root = new Map<unknown, unknown>();
  readonly cells: Cell[] = [];

  constructor(private readonly orgs: boolean) {}

  /** The cell of the row at `base` of `rows`, by the values at `base + at[i]` (normalised by `key`). */
  find(
    rows: readonly SqlValue[],
    base: number,
    at: readonly number[],
    key: (v: SqlValue | undefined) => unknown,
    values: () => SqlValue[],
  ): Cell {
    let level = this.root;
    const last = at.length - 1;
    for (let d = 0; d < last; d++) {
      const k = key(rows[base + (at[d] as number)]);
      let next = level.get(k) as Map<unknown, unknown> | undefined;
      if (next === undefined) level.set(k, (next = new Map()));
      level = next;
    }
    const k = key(rows[base + (at[last] as number)]);
    let cell = level.get(k) as Cell | undefined;
    if (cell === undefined) {
      cell = { values: values(), n: 0, orgs: this.orgs ? new Map() : null };
      level.set(k, cell);
      this.cells.push(cell);
    }
    return cell;
  }
}

class MaskTally {
  private readonly cells: CellIndex;
  /** Cells of plain rows, by the few columns a plain row sets; folded into `cells` before inserting. */
  private plainCells: CellIndex;
  private readonly at: number[];
  /** Plain-row column of each cube value, or -1 where a plain row holds NULL (0 for the masks). */
  private readonly plainAt: number[];
  /** The plain-row columns that tell plain rows' cells apart (their other dimensions are NULL or 0). */
  private readonly plainKey: number[];
  /** Positions 0..n-1 (a cell's own values, for the fold). */
  private readonly own: number[];

  constructor(readonly cube: Cube) {
    const dims = [...cube.dims, 'vuln_mask', 'likely_mask'];
    this.at = dims.map((d) => col(d as (typeof HOST_COLUMNS)[number]));
    this.plainAt = dims.map((d) => PLAIN_COLUMNS.indexOf(d as (typeof PLAIN_COLUMNS)[number]));
    this.own = dims.map((_, i) => i);
    const geo = cube.dims.includes('country');
    // The plain key names exactly the cube dimensions a plain row can set.
    const set = cube.dims.filter((d) => PLAIN_COLUMNS.includes(d as (typeof PLAIN_COLUMNS)[number]));
    const expect = geo
      ? ['continent', 'country', 'status', 'is_exchange', 'suspect']
      : ['asn', 'status', 'is_exchange', 'suspect'];
    if (set.join() !== expect.join()) throw new Error(`cube ${cube.table}: plain-row key out of date`);
    this.plainKey = [...(geo ? [P.continent, P.country] : [P.asn]), P.status, P.exchange, P.suspect];
    this.cells = new CellIndex(cube.asnOrg);
    this.plainCells = new CellIndex(cube.asnOrg);
  }

  /** `rows`: HOST_COLUMNS-ordered values, several rows back to back; `by` +1 to add them, -1 to remove them. */
  add(rows: SqlValue[], by: 1 | -1): void {
    const width = HOST_COLUMNS.length;
    for (let base = 0; base < rows.length; base += width) {
      const cell = this.cells.find(rows, base, this.at, exact, () =>
        this.at.map((i) => rows[base + i] ?? null),
      );
      cell.n += by;
      const org = rows[base + ASN_ORG];
      if (cell.orgs && typeof org === 'string') cell.orgs.set(org, (cell.orgs.get(org) ?? 0) + by);
    }
  }

  /** `rows`: PLAIN_COLUMNS-ordered values of new rows, several back to back, each standing for `n` records. */
  addPlain(rows: SqlValue[], n = 1): void {
    for (let base = 0; base < rows.length; base += PLAIN_WIDTH) {
      const cell = this.plainCells.find(rows, base, this.plainKey, loose, () =>
        this.plainAt.map((i) => (i >= 0 ? (rows[base + i] ?? null) : null)),
      );
      cell.n += n;
      const org = rows[base + P.org];
      if (cell.orgs && typeof org === 'string') cell.orgs.set(org, (cell.orgs.get(org) ?? 0) + n);
    }
  }

  /** Moves the plain cells into the general ones (a cube row must come from one cell). */
  private fold(): void {
    const masks = this.at.length - 2;
    for (const p of this.plainCells.cells) {
      const values = p.values.map((v, i) => (i >= masks ? 0 : v));
      const cell = this.cells.find(values, 0, this.own, exact, () => values);
      cell.n += p.n;
      if (cell.orgs) for (const [org, n] of p.orgs ?? []) cell.orgs.set(org, (cell.orgs.get(org) ?? 0) + n);
    }
    this.plainCells = new CellIndex(this.cube.asnOrg);
  }

  private static maxOrg(orgs: Map<string, number> | null): string | null {
    let max: string | null = null;
    for (const [org, n] of orgs ?? []) if (n > 0 && (max === null || utf8Compare(org, max) > 0)) max = org;
    return max;
  }

  /** The INSERTs that write this cube's counted rows for the scan. */
  statements(scanId: number): TallyStatement[] {
    this.fold();
    const columns = [
      'scan_id',
      ...this.cube.dims,
      'vuln_mask',
      'likely_mask',
      ...(this.cube.asnOrg ? ['asn_org'] : []),
      'n',
    ];
    const one = `(${columns.map(() => '?').join(', ')})`;
    const cells = this.cells.cells.filter((c) => c.n > 0);
    const out: TallyStatement[] = [];
    for (let i = 0; i < cells.length; i += 200) {
      const part = cells.slice(i, i + 200);
      const params: SqlValue[] = [];
      for (const c of part)
        params.push(scanId, ...c.values, ...(this.cube.asnOrg ? [MaskTally.maxOrg(c.orgs)] : []), c.n);
      out.push({
        sql: `INSERT INTO ${this.cube.table} (${columns.join(', ')}) VALUES ${part.map(() => one).join(', ')}`,
        params,
      });
    }
    return out;
  }
}

export interface TallyStatement {
  sql: string;
  params: SqlValue[];
}

/** Runs statements a tally made (here or on the writer thread). */
export async function runTallyStatements(db: SqlDriver, statements: TallyStatement[]): Promise<void> {
  for (const st of statements) await db.run(st.sql, st.params);
}

export class CubeTally {
  /** Committed addHosts transactions counted here: equal to the scan's data_version when all writes were ours. */
  writes = 0;
  private readonly geo = new MaskTally(GEO_MASK);
  private readonly asn = new MaskTally(ASN_MASK);

  /** One committed write: the rows it wrote, the rows those replaced, and the records it counted. */
  add(written: Pick<WriteResult, 'rows' | 'plainRows' | 'removed' | 'counts'>): void {
    for (const r of written.rows) {
      this.geo.add(r, 1);
      this.asn.add(r, 1);
    }
    for (const r of written.plainRows) {
      this.geo.addPlain(r);
      this.asn.addPlain(r);
    }
    for (const r of written.removed) {
      this.geo.add(r, -1);
      this.asn.add(r, -1);
    }
    // a counted record is a plain row that was never written: not Exchange, no product, no CVE
    for (let i = 0; i < written.counts.length; i += COUNT_WIDTH) {
      const row = plainRowOfCount(written.counts, i);
      const n = Number(written.counts[i + COUNT.n]);
      this.geo.addPlain(row, n);
      this.asn.addPlain(row, n);
    }
    this.writes++;
  }

  /** The INSERTs of the geo and ASN mask cubes (the caller deletes the scan's old cubes first). */
  statements(scanId: number): TallyStatement[] {
    return [...this.geo.statements(scanId), ...this.asn.statements(scanId)];
  }

  /** Inserts the geo and ASN mask cubes (the caller has deleted the scan's old cubes). */
  insert(db: SqlDriver, scanId: number): Promise<void> {
    return runTallyStatements(db, this.statements(scanId));
  }
}
