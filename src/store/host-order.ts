// The host table of a finished scan held in memory as columns, so any page (deep offsets, any
// sort, any filter) is found without the database sorting or skipping rows: rows are read once
// in (ip, port) order, each sort key becomes a permutation of that order (counting sort over its
// distinct values), and a filter is tested on typed arrays. Pages then fetch their rows by id.
// Text compares byte by byte, as SQLite orders it (drivers declare it: traits.byteOrderText).
import type { SqlDriver } from './driver.js';
import type { FamilyBits } from './families.js';
import type { HostFilter, HostPage, HostPageQuery, HostRow, HostSortKey } from './store.js';
import { HOST_ROW_COLUMNS, HOST_SORT_COLUMNS, hostRowOf } from './host-query.js';
import { byId, inOrder, Places } from './host-order-read.js';
import {
  Coder,
  permute,
  RowBits,
  shares,
  UintColumn,
  type Cells,
  type CodedColumn,
  type Permutation,
} from './host-order-columns.js';

/** Filters whose rows are kept per scan (a byte per row each). */
const FILTERS_KEPT = 16;
/** Columns read in the first pass; hostname and observed_at (mostly distinct) only when sorted by. */
const CODED = ['product', 'release_name', 'country', 'continent', 'status', 'eol_date', 'asn'] as const;
type Coded = (typeof CODED)[number];
const FILTERS: ReadonlySet<string> = new Set([
  'product',
  'country',
  'continent',
  'status',
  'asn',
  'eol',
  'family',
  'exchangeOnly',
  'asOf',
  'familyVerdict',
]);

export class HostOrder {
  private readonly perms = new Map<HostSortKey, Promise<Permutation>>();
  /** Rows each recent filter keeps (one bit per row) and how many. */
  private readonly filtered = new Map<string, { rows: RowBits; total: number }>();

  private constructor(
    readonly scanId: number,
    readonly version: number,
    readonly size: number,
    /** Row ids in (ip, port) order, less the scan's smallest id. */
    private readonly ids: Uint32Array,
    private readonly place: Places,
    private readonly port: Cells,
    private readonly exchange: Uint8Array,
    private readonly vuln: Cells,
    private readonly likely: Cells,
    private readonly cols: Record<Coded, CodedColumn>,
  ) {}

  /**
   * Reads a scan's rows a chunk at a time, yielding to other requests between: first the (ip, port)
   * order as row ids (the unique index holds them: no table read), then the columns in id order
   * (one sequential pass over the scan's id range), each row put at its place in that order.
   * Every array is allocated once, at the scan's size (no array grows while reading).
   */
  static async load(db: SqlDriver, scanId: number, version: number): Promise<HostOrder | null> {
    const n = Number((await db.all('SELECT COUNT(*) AS n FROM hosts WHERE scan_id = ?', [scanId]))[0]?.n);
    const order = new Float64Array(n);
    // the first row of each address: a server is suspect when any of its rows is
    const first = new Uint8Array(n);
    let k = 0;
    let lastIp: unknown = null;
    for await (const rows of inOrder(db, scanId))
      for (const [ip, , id] of rows) {
        if (k >= n) return null; // written meanwhile
        if (ip !== lastIp) first[k] = 1;
        lastIp = ip;
        order[k++] = Number(id);
      }
    if (k !== n) return null;
    const place = Places.of(order);
    if (!place) return null; // ids spread far: the database answers instead
    const ids = new Uint32Array(n);
    for (let i = 0; i < n; i++) ids[i] = order[i]! - place.min;
    const port = new UintColumn(n);
    const exchange = new Uint8Array(n);
    const suspect = new Uint8Array(n);
    const vuln = new UintColumn(n);
    const likely = new UintColumn(n);
    const coders = Object.fromEntries(CODED.map((c) => [c, new Coder(n)])) as Record<Coded, Coder>;
    let seen = 0;
    const cols = `port, is_exchange, suspect, vuln_mask, likely_mask, ${CODED.join(', ')}`;
    for await (const rows of byId(db, scanId, place, cols))
      for (const r of rows) {
        const i = place.at(Number(r[0]));
        if (i < 0) return null; // written meanwhile
        port.set(i, Number(r[1]));
        exchange[i] = Number(r[2]);
        suspect[i] = Number(r[3]);
        vuln.set(i, Number(r[4]));
        likely.set(i, Number(r[5]));
        for (let c = 0; c < CODED.length; c++) coders[CODED[c]!].set(i, r[6 + c]);
        seen++;
      }
    if (seen !== n) return null;
    serverLevelExchange(exchange, suspect, first);
    const columns = Object.fromEntries(CODED.map((c) => [c, coders[c].column()])) as Record<
      Coded,
      CodedColumn
    >;
    return new HostOrder(
      scanId,
      version,
      n,
      ids,
      place,
      port.cells,
      exchange,
      vuln.cells,
      likely.cells,
      columns,
    );
  }

  /** Ids of the page's rows in order and the filter's total; null when the filter has a term this does not know. */
  async page(
    db: SqlDriver,
    fam: FamilyBits,
    q: { filter: HostFilter; sort: HostSortKey; desc: boolean; limit: number; offset: number },
  ): Promise<{ ids: number[]; total: number } | null> {
    const keep = this.compile(q.filter, fam);
    if (keep === undefined) return null;
    const perm = q.sort === 'ip' ? null : await this.permutation(db, q.sort);
    const n = this.size;
    const nonNull = perm?.nonNull ?? n;
    // the k-th row of the order: descending reverses the non-NULL rows and the NULL rows apart
    const at = (k: number): number => {
      if (!perm) return q.desc ? n - 1 - k : k;
      if (!q.desc) return perm.rows[k]!;
      return k < nonNull ? perm.rows[nonNull - 1 - k]! : perm.rows[nonNull + n - 1 - k]!;
    };
    const ids: number[] = [];
    let total = n;
    if (keep === null) {
      for (let k = q.offset; k < Math.min(n, q.offset + q.limit); k++) ids.push(this.id(at(k)));
    } else {
      const kept = this.kept(q.filter, keep);
      total = kept.total;
      let seen = 0;
      for (let k = 0; k < n && ids.length < q.limit; k++) {
        const row = at(k);
        if (!kept.rows.has(row)) continue;
        if (seen++ >= q.offset) ids.push(this.id(row));
      }
    }
    return { ids, total };
  }

  private id(row: number): number {
    return this.ids[row]! + this.place.min;
  }

  private kept(filter: HostFilter, keep: (row: number) => boolean): { rows: RowBits; total: number } {
    const key = JSON.stringify(filter);
    let kept = this.filtered.get(key);
    if (kept) {
      this.filtered.delete(key);
    } else {
      const rows = new RowBits(this.size);
      let total = 0;
      for (let r = 0; r < this.size; r++)
        if (keep(r)) {
          rows.set(r);
          total++;
        }
      kept = { rows, total };
      if (this.filtered.size >= FILTERS_KEPT) this.filtered.delete(this.filtered.keys().next().value!);
    }
    this.filtered.set(key, kept); // most recently used last
    return kept;
  }

  /** The filter as a test of a row (null: keeps every row; undefined: not one this can test). */
  private compile(f: HostFilter, fam: FamilyBits): ((row: number) => boolean) | null | undefined {
    for (const [k, v] of Object.entries(f)) if (v !== undefined && !FILTERS.has(k)) return undefined;
    const tests: Array<(row: number) => boolean> = [];
    const oneOf = (col: CodedColumn, wanted: Array<string | number> | undefined) => {
      if (!wanted?.length) return;
      const set = new Set<string | number>(wanted);
      const ok = new Uint8Array(col.values.length + 1);
      col.values.forEach((v, i) => {
        ok[i + 1] = set.has(v) ? 1 : 0;
      });
      tests.push((r) => ok[col.codes[r]!] === 1);
    };
    oneOf(this.cols.product, f.product);
    oneOf(this.cols.country, f.country);
    oneOf(this.cols.continent, f.continent);
    oneOf(this.cols.status, f.status);
    oneOf(this.cols.asn, f.asn);
    if (f.eol !== undefined) {
      if (f.asOf === undefined) throw new TypeError('an EOL filter needs an asOf date');
      const col = this.cols.eol_date;
      const ok = new Uint8Array(col.values.length + 1);
      ok[0] = f.eol ? 0 : 1;
      const asOf = f.asOf;
      col.values.forEach((v, i) => {
        const past = String(v) < asOf;
        ok[i + 1] = past === f.eol ? 1 : 0;
      });
      tests.push((r) => ok[col.codes[r]!] === 1);
    }
    if (f.exchangeOnly) tests.push((r) => this.exchange[r] === 1);
    if (f.family?.length) {
      const m = fam.maskOf(f.family);
      if (f.familyVerdict === 'vulnerable') tests.push((r) => shares(this.vuln[r]!, m));
      else if (f.familyVerdict === 'likely') tests.push((r) => shares(this.likely[r]!, m));
      else tests.push((r) => shares(this.vuln[r]!, m) || shares(this.likely[r]!, m));
    }
    if (tests.length === 0) return null;
    return (r) => tests.every((t) => t(r));
  }

  private permutation(db: SqlDriver, sort: HostSortKey): Promise<Permutation> {
    let p = this.perms.get(sort);
    if (!p) {
      p = this.column(db, sort).then(permute);
      this.perms.set(sort, p);
      p.catch(() => this.perms.delete(sort));
    }
    return p;
  }

  private async column(db: SqlDriver, sort: HostSortKey): Promise<CodedColumn> {
    if (sort === 'port') {
      const c = new Coder(this.size);
      this.port.forEach((v, i) => c.set(i, v));
      return c.column();
    }
    const name = HOST_SORT_COLUMNS[sort];
    if ((CODED as readonly string[]).includes(name)) return this.cols[name as Coded];
    const c = new Coder(this.size);
    let seen = 0;
    for await (const rows of byId(db, this.scanId, this.place, name))
      for (const [id, value] of rows) {
        const i = this.place.at(Number(id));
        if (i < 0) throw new Error(`scan ${this.scanId} changed while its ${name} column was read`);
        c.set(i, value);
        seen++;
      }
    if (seen !== this.size) throw new Error(`scan ${this.scanId} changed while its ${name} column was read`);
    return c.column();
  }
}

/** Scans held in memory at once (a 1,000,000-row scan takes about 60 MB). */
const HELD = 2;

/** The orders of the scans the host table was last paged through; a scan being written is read from the database. */
export class HostOrders {
  private readonly held = new Map<number, Promise<HostOrder | null>>();

  /** A page from the scan's order, or null when the database should answer (scan running, filter unknown). */
  async page(db: SqlDriver, fam: FamilyBits, q: HostPageQuery): Promise<HostPage | null> {
    const scan = (await db.all('SELECT state, data_version FROM scans WHERE id = ?', [q.scanId]))[0];
    if (!scan || scan.state === 'running') {
      this.held.delete(q.scanId);
      return null;
    }
    const version = Number(scan.data_version);
    const first = this.held.get(q.scanId);
    let order = first ? await first.catch(() => null) : null;
    if (!order || order.version !== version) {
      // another request may have started reading the new version meanwhile
      let pending = this.held.get(q.scanId);
      if (!pending || pending === first) {
        pending = HostOrder.load(db, q.scanId, version);
        this.held.delete(q.scanId);
        this.held.set(q.scanId, pending);
        for (const id of this.held.keys()) if (this.held.size > HELD) this.held.delete(id);
        pending.catch(() => this.held.delete(q.scanId));
      }
      order = await pending;
      if (!order || order.version !== version) return null;
    }
    const found = await order.page(db, fam, q);
    if (!found) return null;
    const byId = new Map<number, HostRow>();
    if (found.ids.length > 0)
      for (const r of await db.all(
        `SELECT id, ${HOST_ROW_COLUMNS} FROM hosts WHERE id IN (${found.ids.map(() => '?').join(', ')})`,
        found.ids,
      ))
        byId.set(Number(r.id), hostRowOf(r, fam));
    const rows = found.ids.map((id) => byId.get(id)).filter((r): r is HostRow => r !== undefined);
    if (rows.length !== found.ids.length) return null; // rows went away meanwhile
    return { total: q.knownTotal ?? found.total, rows };
  }
}

/** Exchange as the census counts it, by server: no row of an address that has a suspect row. */
function serverLevelExchange(exchange: Uint8Array, suspect: Uint8Array, first: Uint8Array): void {
  const n = exchange.length;
  for (let from = 0; from < n;) {
    let to = from + 1;
    while (to < n && first[to] === 0) to++;
    // one row: its own flags already say it
    if (to - from > 1 && suspect.subarray(from, to).includes(1)) exchange.fill(0, from, to);
    from = to;
  }
}
