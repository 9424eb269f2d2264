// The Store, written once over SqlDriver; the SQLite and PostgreSQL adapters differ only
// in their driver. Census queries read per-scan pre-aggregates (cubes.ts), rebuilt when the
// scan's data changed (finishScan rebuilds them, so complete scans answer at once).
import { ConfigError } from '../core/errors.js';
import { scanFromRow } from './scan-row.js';
import type {
  CensusQuery,
  CensusRow,
  HostBatch,
  HostFilter,
  HostPage,
  HostPageQuery,
  LeaseClaim,
  LeaseResult,
  ObservedWindow,
  RefusedRecord,
  ScanInfo,
  ScanMeta,
  ScanState,
  Store,
  StoredHost,
} from './store.js';
import type { SqlDriver, SqlRow } from './driver.js';
import { FamilyBits } from './families.js';
import { HostWriter, commitBatch } from './host-writer.js';
import { commitOrSplit } from './batch-retry.js';
import { EncodedBatch, approxBytes } from './host-batch.js';
import { CubeTally, runTallyStatements } from './cube-tally.js';
import type { BulkWriter } from './bulk-writer.js';
import { buildCensusSql, buildWhere } from './census-sql.js';
import { foldCensus, foldPivot, zeroRow } from './census-fold.js';
import { GEO_PIVOT, HOSTS, pickCube } from './cubes.js';
import { CUBES, rebuildCubes, rebuildGeoAsn } from './cube-build.js';
import { exchangeServerRow, getHost, hostFromRow, hostPage } from './host-query.js';
import { HostOrders } from './host-order.js';
import { VersionedCache } from './census-cache.js';
import { acquireLease, releaseLease, renewLease } from './lease-sql.js';
import type { EncodedHost } from './encoded-host.js';
import { VerdictCache } from './verdicts.js';
import { migrate } from './migrations.js';

const PAGE = 500;

export interface SqlStoreOptions {
  /** The database's own way of taking bulk writes (SQLite files: sqlite/file-writes.ts). */
  bulk?: BulkWriter;
}

/** The date of a scan's data, by which scans are ordered: its observed window's end, else its start. */
const DATA_DATE = 'COALESCE(observed_last, started_at)';

export class SqlStore implements Store {
  private readonly fam: FamilyBits;
  private readonly writer: HostWriter;
  /** Mask cubes counted while this store writes a scan it created (drivers with traits.tallyOnWrite). */
  private readonly tallies = new Map<number, CubeTally>();
  private readonly bulk: BulkWriter | null;
  /** Finished scans' host tables in memory, for pages at any offset (host-order.ts). */
  private readonly orders = new HostOrders();
  /** Census answers and scan counts by data version (census-cache.ts). */
  private readonly answers = new VersionedCache<CensusRow[]>((rows) => rows.length);
  private readonly tallied = new VersionedCache<ScanInfo['counts']>();

  private constructor(
    private readonly db: SqlDriver,
    opts: SqlStoreOptions,
  ) {
    this.fam = new FamilyBits(db);
    this.writer = new HostWriter(db, this.fam);
    this.bulk = opts.bulk ?? null;
  }

  static async open(db: SqlDriver, opts: SqlStoreOptions = {}): Promise<SqlStore> {
    try {
      await migrate(db);
    } catch (err) {
      await db.close().catch(() => undefined);
      if (err instanceof ConfigError) throw err;
      throw new ConfigError('E_STORE_MIGRATE', `cannot prepare the store schema: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const store = new SqlStore(db, opts);
    await store.fam.reload();
    return store;
  }

  async createScan(meta: ScanMeta): Promise<number> {
    const existing = await this.db.all('SELECT id FROM scans WHERE name = ?', [meta.name]);
    if (existing.length > 0)
      throw new ConfigError(
        'E_SCAN_EXISTS',
        `a scan named "${meta.name}" already exists (use --resume to continue it, or another --name)`,
      );
    const rows = await this.db.all(
      'INSERT INTO scans (name, kind, source, series, started_at, inputs, options) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
      [
        meta.name,
        meta.kind,
        meta.source,
        meta.series,
        meta.startedAt,
        JSON.stringify(meta.inputs),
        JSON.stringify(meta.options),
      ],
    );
    const id = Number(rows[0]?.id);
    if (this.db.traits.tallyOnWrite) this.tallies.set(id, new CubeTally());
    return id;
  }

  addHosts(scanId: number, hosts: Array<StoredHost | EncodedHost>): Promise<RefusedRecord[]> {
    const batch = new EncodedBatch();
    for (const h of hosts) batch.add(h);
    return this.addBatch(scanId, batch);
  }

  newBatch(): HostBatch {
    return new EncodedBatch();
  }

  async addBatch(scanId: number, hostBatch: HostBatch): Promise<RefusedRecord[]> {
    if (!(hostBatch instanceof EncodedBatch)) throw new Error('addBatch takes a batch from newBatch()');
    if (hostBatch.size === 0 && hostBatch.counted === 0) return [];
    const batch = hostBatch.split(this.db.traits);
    if (this.bulk?.takes(scanId, hostBatch.size)) {
      const refused = await this.bulk.write(scanId, this.tallies.has(scanId), batch).catch((err: unknown) => {
        this.tallies.delete(scanId);
        throw err;
      });
      if (refused.length > 0) this.tallies.delete(scanId);
      return refused;
    }
    await this.bulk?.beforeLocalWrite();
    return commitOrSplit(batch, this.db.traits, this.db.traits.refusal, async (part) => {
      try {
        const written = await commitBatch(this.db, this.writer, scanId, part);
        this.tallies.get(scanId)?.add(written);
        this.bulk?.afterLocalWrite(approxBytes(part));
      } catch (err) {
        // no longer counted (nor the parts written after): the cubes are built from the rows at the end
        this.tallies.delete(scanId);
        throw err;
      }
    });
  }

  async resetPlainCounts(scanId: number): Promise<void> {
    await this.db.transaction(async () => {
      await this.db.run('DELETE FROM plain_counts WHERE scan_id = ?', [scanId]);
      await this.db.run('UPDATE scans SET data_version = data_version + 1 WHERE id = ?', [scanId]);
    });
    // a tally counted the removed counts too: it no longer holds the scan
    this.tallies.delete(scanId);
  }

  async finishScan(scanId: number, state: Exclude<ScanState, 'running'>): Promise<void> {
    await this.db.run('UPDATE scans SET state = ?, finished_at = ? WHERE id = ?', [
      state,
      new Date().toISOString(),
      scanId,
    ]);
    await this.ensureSummary(scanId);
  }

  async setObservedWindow(scanId: number, window: ObservedWindow | null): Promise<void> {
    await this.db.run('UPDATE scans SET observed_first = ?, observed_last = ? WHERE id = ?', [
      window?.first ?? null,
      window?.last ?? null,
      scanId,
    ]);
  }

  async dropEmptyScan(scanId: number): Promise<boolean> {
    this.tallies.delete(scanId);
    return this.db.transaction(async () => {
      const held = await this.db.all(
        `SELECT 1 AS ok FROM hosts WHERE scan_id = ? UNION ALL SELECT 1 AS ok FROM plain_counts WHERE scan_id = ? LIMIT 1`,
        [scanId, scanId],
      );
      if (held.length > 0) return false;
      for (const c of CUBES) await this.db.run(`DELETE FROM ${c.table} WHERE scan_id = ?`, [scanId]);
      await this.db.run('DELETE FROM scans WHERE id = ?', [scanId]);
      return true;
    });
  }

  async setScanOptions(scanId: number, options: Record<string, unknown>): Promise<void> {
    await this.db.run('UPDATE scans SET options = ? WHERE id = ?', [JSON.stringify(options), scanId]);
  }

  /** Rebuilds the scan's cubes when hosts were written since they were built. A binary from
   *  before migration 11 marks the scan current (summary_version) without building the networks by
   *  country cube: that cube has its own version (migration 13), and is rebuilt alone when only it is stale. */
  private async ensureSummary(scanId: number): Promise<void> {
    const fresh = await this.db.all(
      'SELECT 1 AS ok FROM scans WHERE id = ? AND summary_version = data_version AND geo_asn_version = data_version',
      [scanId],
    );
    if (fresh.length > 0) return;
    await this.db.transaction(async () => {
      const v = await this.db.all(
        'SELECT data_version, summary_version, geo_asn_version FROM scans WHERE id = ?',
        [scanId],
      );
      if (v.length === 0) return;
      const version = Number(v[0]?.data_version);
      if (Number(v[0]?.summary_version) === version) {
        if (Number(v[0]?.geo_asn_version) === version) return;
        await rebuildGeoAsn(this.db, scanId, await this.oneRecordPerServer(scanId));
        await this.db.run('UPDATE scans SET geo_asn_version = ? WHERE id = ?', [version, scanId]);
        return;
      }
      await this.fam.reload(); // bits other writers added
      // The tally holds every row only if each committed write of the scan was one of ours, and
      // counts servers only if no address has records on two ports (then a server is its record).
      let masks: ((db: SqlDriver) => Promise<void>) | undefined;
      const oneRecord = await this.oneRecordPerServer(scanId);
      if (!oneRecord) masks = undefined;
      else if (this.bulk?.took(scanId)) {
        const counted = this.tallies.has(scanId) ? await this.bulk.counted(scanId) : null;
        if (counted && counted.writes === version)
          masks = (db: SqlDriver) => runTallyStatements(db, counted.statements);
      } else {
        const tally = this.tallies.get(scanId);
        if (tally && tally.writes === version) masks = (db: SqlDriver) => tally.insert(db, scanId);
      }
      await rebuildCubes(
        this.db,
        scanId,
        this.fam.bits().map(([bit]) => bit),
        masks,
        oneRecord,
      );
      await this.db.run('UPDATE scans SET summary_version = ?, geo_asn_version = ? WHERE id = ?', [
        version,
        version,
        scanId,
      ]);
    });
  }

  /** Whether no address of the scan has records on more than one port (an index-only pass). */
  private async oneRecordPerServer(scanId: number): Promise<boolean> {
    const twice = await this.db.all(
      'SELECT ip FROM hosts WHERE scan_id = ? GROUP BY ip HAVING COUNT(*) > 1 LIMIT 1',
      [scanId],
    );
    return twice.length === 0;
  }

  /** Counts for scan listings: from the cubes when they are current, else straight from hosts —
   *  listing scans (or resolving one by name) must not pay for a cube rebuild only census needs.
   *  `scan`: its scans row, which says whether the cubes were current when it was read. */
  private async counts(scan: SqlRow): Promise<ScanInfo['counts']> {
    const scanId = Number(scan.id);
    const version = Number(scan.data_version);
    const kept = this.tallied.get(scanId, version, '');
    if (kept) return kept;
    const from = Number(scan.summary_version) === version ? GEO_PIVOT.table : HOSTS.table;
    const r = (
      await this.db.all(
        `SELECT SUM(n) AS hosts, SUM(n * is_exchange) AS exchange, SUM(n * suspect) AS suspect FROM ${from} WHERE scan_id = ?`,
        [scanId],
      )
    )[0];
    const counts = {
      hosts: Number(r?.hosts ?? 0),
      exchange: Number(r?.exchange ?? 0),
      suspect: Number(r?.suspect ?? 0),
    };
    this.tallied.set(scanId, version, '', counts);
    return counts;
  }

  private async infos(rows: SqlRow[]): Promise<ScanInfo[]> {
    const out: ScanInfo[] = [];
    for (const r of rows) out.push(scanFromRow(r, await this.counts(r)));
    return out;
  }

  async listScans(): Promise<ScanInfo[]> {
    return this.infos(await this.db.all(`SELECT * FROM scans ORDER BY ${DATA_DATE}, id`));
  }

  async getScan(ref: number | string): Promise<ScanInfo | null> {
    let rows = typeof ref === 'string' ? await this.db.all('SELECT * FROM scans WHERE name = ?', [ref]) : [];
    if (rows.length === 0 && (typeof ref === 'number' || /^\d+$/.test(ref)))
      rows = await this.db.all('SELECT * FROM scans WHERE id = ?', [Number(ref)]);
    return (await this.infos(rows))[0] ?? null;
  }

  async latestScan(series?: string): Promise<ScanInfo | null> {
    const rows =
      series === undefined
        ? await this.db.all(
            `SELECT * FROM scans WHERE state = 'complete' ORDER BY ${DATA_DATE} DESC, id DESC LIMIT 1`,
          )
        : await this.db.all(
            `SELECT * FROM scans WHERE state = 'complete' AND series = ? ORDER BY ${DATA_DATE} DESC, id DESC LIMIT 1`,
            [series],
          );
    return (await this.infos(rows))[0] ?? null;
  }

  acquireLease(c: LeaseClaim): Promise<LeaseResult> {
    return acquireLease(this.db, c);
  }

  renewLease(c: LeaseClaim): Promise<boolean> {
    return renewLease(this.db, c);
  }

  releaseLease(c: Pick<LeaseClaim, 'scanId' | 'part' | 'writer'>): Promise<void> {
    return releaseLease(this.db, c);
  }

  async doneTargets(scanId: number): Promise<Set<string>> {
    const rows = await this.db.all('SELECT ip, port FROM hosts WHERE scan_id = ?', [scanId]);
    return new Set(rows.map((r) => `${String(r.ip)}:${Number(r.port)}`));
  }

  async *iterateHosts(scanId: number, filter: HostFilter = {}): AsyncIterable<StoredHost> {
    await this.fam.reload();
    const where = buildWhere(scanId, filter, filter.asOf, this.fam);
    const cond = filter.exchangeOnly ? `${where.sql} AND ${exchangeServerRow('h')}` : where.sql;
    // Keyset pages: no cursor stays open, so callers may write (reclassify) or iterate another scan meanwhile.
    // The row-value comparison lets both databases seek the (scan_id, ip, port) index; an OR form did not.
    let after: [string, number] | null = null;
    const verdicts = new VerdictCache(this.db);
    for (;;) {
      const page: SqlRow[] = await this.db.all(
        `SELECT h.*, d.record, d.observation, d.observation_reader, d.verdict_id FROM hosts h LEFT JOIN host_data d ON d.host_id = h.id
         WHERE ${cond}${after ? ' AND (h.ip, h.port) > (?, ?)' : ''} ORDER BY h.ip, h.port LIMIT ${PAGE}`,
        after ? [...where.params, after[0], after[1]] : where.params,
      );
      await verdicts.load(
        page
          .filter((r) => r.verdict_id !== null && r.verdict_id !== undefined)
          .map((r) => Number(r.verdict_id)),
      );
      for (const r of page) {
        const host = hostFromRow(r, verdicts);
        if (host) yield host;
      }
      if (page.length < PAGE) return;
      const last = page[page.length - 1] as SqlRow;
      after = [String(last.ip), Number(last.port)];
    }
  }

  async hostPage(q: HostPageQuery): Promise<HostPage> {
    await this.fam.reload();
    const held = this.db.traits.byteOrderText ? await this.orders.page(this.db, this.fam, q) : null;
    return held ?? hostPage(this.db, this.fam, q);
  }

  getHost(scanId: number, ip: string, port: number): Promise<StoredHost | null> {
    return getHost(this.db, scanId, ip, port);
  }

  async census(q: CensusQuery): Promise<CensusRow[]> {
    await this.fam.reload();
    const v = await this.db.all('SELECT data_version FROM scans WHERE id = ?', [q.scanId]);
    const version = Number(v[0]?.data_version ?? -1);
    // every field that changes the answer is in the key (a family another scan added: a zero per row)
    const key = JSON.stringify([q.groupBy, q.filter ?? {}, q.asOf, q.notAssessed, this.fam.all().length]);
    const out = await this.answers.answer(q.scanId, version, key, async () => {
      const cube = pickCube(q.groupBy, q.filter);
      if (cube.counted) await this.ensureSummary(q.scanId);
      const built = buildCensusSql(cube, q.scanId, q.groupBy, q.filter, q.asOf, this.fam, q.notAssessed);
      const rows = await this.db.all(built.sql, built.params);
      const folded =
        built.shape === 'pivot'
          ? foldPivot(rows, q.groupBy, built.keys, this.fam)
          : foldCensus(rows, q.groupBy, built.keys, this.fam, q.filter);
      // An ungrouped census always has one row, even for an empty scan.
      if (q.groupBy.length === 0 && folded.length === 0) folded.push(zeroRow(this.fam, q.notAssessed));
      return folded;
    });
    return [...out];
  }

  async families(): Promise<string[]> {
    await this.fam.reload();
    return this.fam.all();
  }

  async close(): Promise<void> {
    await this.bulk?.close();
    await this.db.close();
  }
}
