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

/** A column as codes per row (0 = NULL) and its distinct values (index = code - 1). */
interface CodedColumn {
  codes: Uint32Array;
  values: Array<string | number>;
}

/** Rows sorted by a key: non-NULL rows ascending (ties in (ip, port) order), then NULL rows. */
interface Permutation {
  rows: Int32Array;
  nonNull: number;
}

function byteOrder(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  // UTF-16 order equals UTF-8 byte order below U+D800
  if (/[\ud800-\uffff]/.test(x + y)) return Buffer.compare(Buffer.from(x), Buffer.from(y));
  return x < y ? -1 : x > y ? 1 : 0;
}

class Coder {
  readonly codes: Uint32Array;
  private readonly dict = new Map<string | number, number>();
  readonly values: Array<string | number> = [];
  constructor(n: number) {
    this.codes = new Uint32Array(n);
  }
  set(i: number, v: unknown): void {
    if (v === null || v === undefined) return;
    const key = typeof v === 'bigint' ? Number(v) : (v as string | number);
    let c = this.dict.get(key);
    if (c === undefined) {
      this.values.push(key);
      c = this.values.length;
      this.dict.set(key, c);
    }
    this.codes[i] = c;
  }
  column(): CodedColumn {
    return { codes: this.codes, values: this.values };
  }
}

/** A counting sort of the rows by their codes' values; stable, so ties keep (ip, port) order. */
function permute(col: CodedColumn): Permutation {
  const distinct = col.values.length;
  const order = col.values.map((_, i) => i).sort((a, b) => byteOrder(col.values[a]!, col.values[b]!));
  // slot of each code: 1..distinct by value, distinct + 1 for NULL (code 0)
  const slot = new Uint32Array(distinct + 1);
  slot[0] = distinct + 1;
  order.forEach((code, r) => {
    slot[code + 1] = r + 1;
  });
  const next = new Int32Array(distinct + 2);
  for (const c of col.codes) next[slot[c]!] = next[slot[c]!]! + 1;
  let at = 0;
  for (let s = 1; s < next.length; s++) {
    const n = next[s]!;
    next[s] = at;
    at += n;
  }
  const nonNull = next[distinct + 1]!;
  const rows = new Int32Array(col.codes.length);
  for (let i = 0; i < col.codes.length; i++) {
    const s = slot[col.codes[i]!]!;
    rows[next[s]!] = i;
    next[s] = next[s]! + 1;
  }
  return { rows, nonNull };
}

/** Whether two masks (exact integers below 2^53) share a bit. */
function shares(a: number, b: number): boolean {
  if (((a % 4294967296) & (b % 4294967296)) !== 0) return true;
  return (Math.floor(a / 4294967296) & Math.floor(b / 4294967296)) !== 0;
}

export class HostOrder {
  private readonly perms = new Map<HostSortKey, Promise<Permutation>>();
  /** Rows each recent filter keeps (one byte per row) and how many. */
  private readonly filtered = new Map<string, { rows: Uint8Array; total: number }>();

  private constructor(
    readonly scanId: number,
    readonly version: number,
    readonly size: number,
    private readonly ids: Float64Array,
    private readonly place: Places,
    private readonly port: Int32Array,
    private readonly exchange: Uint8Array,
    private readonly vuln: Float64Array,
    private readonly likely: Float64Array,
    private readonly cols: Record<Coded, CodedColumn>,
  ) {}

  /**
   * Reads a scan's rows a chunk at a time, yielding to other requests between: first the (ip, port)
   * order as row ids (the unique index holds them: no table read), then the columns in id order
   * (one sequential pass over the scan's id range), each row put at its place in that order.
   */
  static async load(db: SqlDriver, scanId: number, version: number): Promise<HostOrder | null> {
    const order: number[] = [];
    // where each address's rows begin: a server is suspect when any of its rows is
    const starts: number[] = [];
    let lastIp: unknown = null;
    for await (const rows of inOrder(db, scanId))
      for (const r of rows) {
        if (r.ip !== lastIp) starts.push(order.length);
        lastIp = r.ip;
        order.push(Number(r.id));
      }
    const n = order.length;
    const place = Places.of(order);
    if (!place) return null; // ids spread far: the database answers instead
    const ids = Float64Array.from(order);
    const port = new Int32Array(n);
    const exchange = new Uint8Array(n);
    const suspect = new Uint8Array(n);
    const vuln = new Float64Array(n);
    const likely = new Float64Array(n);
    const coders = Object.fromEntries(CODED.map((c) => [c, new Coder(n)])) as Record<Coded, Coder>;
    let seen = 0;
    const cols = `port, is_exchange, suspect, vuln_mask, likely_mask, ${CODED.join(', ')}`;
    for await (const rows of byId(db, scanId, place, cols))
      for (const r of rows) {
        const i = place.at(Number(r.id));
        if (i < 0) return null; // written meanwhile
        port[i] = Number(r.port);
        exchange[i] = Number(r.is_exchange);
        suspect[i] = Number(r.suspect);
        vuln[i] = Number(r.vuln_mask);
        likely[i] = Number(r.likely_mask);
        for (const c of CODED) coders[c].set(i, r[c]);
        seen++;
      }
    if (seen !== n) return null;
    serverLevelExchange(exchange, suspect, starts);
    const columns = Object.fromEntries(CODED.map((c) => [c, coders[c].column()])) as Record<
      Coded,
      CodedColumn
    >;
    return new HostOrder(scanId, version, n, ids, place, port, exchange, vuln, likely, columns);
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
      for (let k = q.offset; k < Math.min(n, q.offset + q.limit); k++) ids.push(this.ids[at(k)]!);
    } else {
      const kept = this.kept(q.filter, keep);
      total = kept.total;
      let seen = 0;
      for (let k = 0; k < n && ids.length < q.limit; k++) {
        const row = at(k);
        if (kept.rows[row] === 0) continue;
        if (seen++ >= q.offset) ids.push(this.ids[row]!);
      }
    }
    return { ids, total };
  }

  private kept(filter: HostFilter, keep: (row: number) => boolean): { rows: Uint8Array; total: number } {
    const key = JSON.stringify(filter);
    let kept = this.filtered.get(key);
    if (kept) {
      this.filtered.delete(key);
    } else {
      const rows = new Uint8Array(this.size);
      let total = 0;
      for (let r = 0; r < this.size; r++)
        if (keep(r)) {
          rows[r] = 1;
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
      for (const r of rows) {
        const i = this.place.at(Number(r.id));
        if (i < 0) throw new Error(`scan ${this.scanId} changed while its ${name} column was read`);
        c.set(i, r[name]);
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
function serverLevelExchange(exchange: Uint8Array, suspect: Uint8Array, starts: number[]): void {
  for (let g = 0; g < starts.length; g++) {
    const from = starts[g]!;
    const to = g + 1 < starts.length ? starts[g + 1]! : exchange.length;
    if (to - from < 2) continue; // one row: its own flags already say it
    if (suspect.subarray(from, to).includes(1)) exchange.fill(0, from, to);
  }
}
