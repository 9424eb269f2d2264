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

/** A key part that tells null, strings and numbers apart. */
const part = (v: SqlValue | undefined): string =>
  v === null || v === undefined ? '\u0000|' : `${typeof v === 'string' ? 's' : 'n'}${String(v)}|`;
/** The few values that tell plain rows' cells apart (their other dimensions are NULL or 0). */
const plainPart = (v: SqlValue | undefined): string => (v === null || v === undefined ? '\u0000' : String(v));

class MaskTally {
  private readonly cells = new Map<string, Cell>();
  /** Cells of plain rows, by a short key; folded into `cells` before inserting. */
  private readonly plainCells = new Map<string, Cell>();
  private readonly at: number[];
  /** Plain-row column of each cube value, or -1 where a plain row holds NULL (0 for the masks). */
  private readonly plainAt: number[];
  private readonly geo: boolean;

  constructor(readonly cube: Cube) {
    const dims = [...cube.dims, 'vuln_mask', 'likely_mask'];
    this.at = dims.map((d) => col(d as (typeof HOST_COLUMNS)[number]));
    this.plainAt = dims.map((d) => PLAIN_COLUMNS.indexOf(d as (typeof PLAIN_COLUMNS)[number]));
    this.geo = cube.dims.includes('country');
    // The plain key below names exactly the cube dimensions a plain row can set.
    const set = cube.dims.filter((d) => PLAIN_COLUMNS.includes(d as (typeof PLAIN_COLUMNS)[number]));
    const expect = this.geo
      ? ['continent', 'country', 'status', 'is_exchange', 'suspect']
      : ['asn', 'status', 'is_exchange', 'suspect'];
    if (set.join() !== expect.join()) throw new Error(`cube ${cube.table}: plain-row key out of date`);
  }

  private cell(map: Map<string, Cell>, key: string, values: () => SqlValue[]): Cell {
    let cell = map.get(key);
    if (!cell) {
      cell = { values: values(), n: 0, orgs: this.cube.asnOrg ? new Map() : null };
      map.set(key, cell);
    }
    return cell;
  }

  /** `rows`: HOST_COLUMNS-ordered values, several rows back to back; `by` +1 to add them, -1 to remove them. */
  add(rows: SqlValue[], by: 1 | -1): void {
    const width = HOST_COLUMNS.length;
    for (let base = 0; base < rows.length; base += width) {
      let key = '';
      for (const i of this.at) key += part(rows[base + i]);
      const cell = this.cell(this.cells, key, () => this.at.map((i) => rows[base + i] ?? null));
      cell.n += by;
      const org = rows[base + ASN_ORG];
      if (cell.orgs && typeof org === 'string') cell.orgs.set(org, (cell.orgs.get(org) ?? 0) + by);
    }
  }

  /** `rows`: PLAIN_COLUMNS-ordered values of new rows, several back to back, each standing for `n` records. */
  addPlain(rows: SqlValue[], n = 1): void {
    for (let base = 0; base < rows.length; base += PLAIN_WIDTH) {
      const flags = `${plainPart(rows[base + P.status])}|${plainPart(rows[base + P.exchange])}${plainPart(rows[base + P.suspect])}`;
      const key = this.geo
        ? `${plainPart(rows[base + P.continent])}|${plainPart(rows[base + P.country])}|${flags}`
        : `${plainPart(rows[base + P.asn])}|${flags}`;
      const cell = this.cell(this.plainCells, key, () =>
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
    for (const p of this.plainCells.values()) {
      const values = p.values.map((v, i) => (i >= masks ? 0 : v));
      let key = '';
      for (const v of values) key += part(v);
      const cell = this.cell(this.cells, key, () => values);
      cell.n += p.n;
      if (cell.orgs) for (const [org, n] of p.orgs ?? []) cell.orgs.set(org, (cell.orgs.get(org) ?? 0) + n);
    }
    this.plainCells.clear();
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
    const cells = [...this.cells.values()].filter((c) => c.n > 0);
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
