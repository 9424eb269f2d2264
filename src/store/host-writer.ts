// Writes one batch (host-batch.ts splits it) inside the caller's transaction. Fresh targets take
// plain INSERTs — many rows per statement for plain records, which need no id because they get
// no host_data row, and bind only the columns they fill — and only targets already stored take
// the upsert path, which replaces them.
import type { SqlDriver, SqlRow, SqlValue } from './driver.js';
import type { FamilyBits } from './families.js';
import { HOST_COLUMNS, PLAIN_COLUMNS, familiesOf, masksOf, pushHostRow } from './host-row.js';
import type { Classification } from '../core/classification.js';
import { PLAIN_COUNT_COLUMNS, type BatchHost, type SplitBatch } from './host-batch.js';
import { VerdictIds } from './verdicts.js';

const WIDTH = HOST_COLUMNS.length;
const COLS = HOST_COLUMNS.join(', ');
const HOST_UPDATE = HOST_COLUMNS.slice(3)
  .map((c) => `${c} = excluded.${c}`)
  .join(', ');
const rowsOf = (n: number, width: number): string =>
  Array.from({ length: n }, () => `(${Array<string>(width).fill('?').join(', ')})`).join(', ');
/** Statement texts by row count: built once (SQLite's statement cache is keyed by the text). */
function cached(build: (n: number) => string): (n: number) => string {
  const texts = new Map<number, string>();
  return (n) => {
    let t = texts.get(n);
    if (t === undefined) texts.set(n, (t = build(n)));
    return t;
  };
}
// OR IGNORE rather than ON CONFLICT DO NOTHING: a statement that may abort half done (a NOT NULL
// column's default) needs a statement journal, and this one's random places in the (scan_id, ip,
// port) index spilled that journal to temporary files (docs/store-writes.md). OR IGNORE
// cannot abort; a row it skips for a NULL shows in the changes count, and the upsert that follows
// then fails on it.
const insertWithIds = cached(
  (n) => `INSERT OR IGNORE INTO hosts (id, ${COLS}) VALUES ${rowsOf(n, WIDTH + 1)}`,
);
const insertReturning = cached(
  (n) =>
    `INSERT INTO hosts (${COLS}) VALUES ${rowsOf(n, WIDTH)} ON CONFLICT (scan_id, ip, port) DO NOTHING RETURNING id, ip, port`,
);
const upsertHosts = cached(
  (n) =>
    `INSERT INTO hosts (${COLS}) VALUES ${rowsOf(n, WIDTH)} ON CONFLICT (scan_id, ip, port) DO UPDATE SET ${HOST_UPDATE} RETURNING id, ip, port`,
);
const upsertData = cached(
  (n) =>
    `INSERT INTO host_data (host_id, record, observation, observation_reader, verdict_id) VALUES ${rowsOf(n, 5)} ON CONFLICT (host_id) DO UPDATE SET ` +
    'record = excluded.record, observation = excluded.observation, observation_reader = excluded.observation_reader, verdict_id = excluded.verdict_id',
);
const PLAIN_WIDTH = PLAIN_COLUMNS.length;
const PLAIN_ROW = `, ${Array<string>(PLAIN_WIDTH).fill('?').join(', ')})`;
/** A plain-row INSERT of n rows for one scan (its id is part of the text, so it binds nothing). */
const plainInsert = (scanId: number, n: number): string =>
  `INSERT INTO hosts (scan_id, ${PLAIN_COLUMNS.join(', ')}) VALUES ${Array<string>(n).fill(`(${scanId}${PLAIN_ROW}`).join(', ')} ON CONFLICT (scan_id, ip, port) DO NOTHING`;

export interface WriteResult {
  /** The hosts rows written, HOST_COLUMNS-ordered values, several rows back to back per array. */
  rows: SqlValue[][];
  /** The plain rows written, in the same form but PLAIN_COLUMNS-ordered. */
  plainRows: SqlValue[][];
  /** The rows those replaced, HOST_COLUMNS-ordered (SQLite: complete; PostgreSQL: not collected). */
  removed: SqlValue[][];
  /** Counted records written: PLAIN_COUNT_COLUMNS rows back to back. */
  counts: SqlValue[];
}

const keyOf = (ip: unknown, port: unknown): string => `${String(ip)}|${Number(port)}`;

interface Target {
  ip: string;
  port: number;
  /** Where its plain row starts. */
  base: number;
}

const PLAIN_IP = PLAIN_COLUMNS.indexOf('ip');
const PLAIN_PORT = PLAIN_COLUMNS.indexOf('port');

/** The HOST_COLUMNS row of a plain row (what the upsert path writes). */
function pushWideRow(out: SqlValue[], scanId: number, rows: SqlValue[], base: number): void {
  const v = (c: (typeof PLAIN_COLUMNS)[number]): SqlValue => rows[base + PLAIN_COLUMNS.indexOf(c)] ?? null;
  for (const c of HOST_COLUMNS)
    out.push(
      c === 'scan_id'
        ? scanId
        : c === 'vuln_mask' || c === 'likely_mask'
          ? 0
          : PLAIN_COLUMNS.includes(c as never)
            ? v(c as (typeof PLAIN_COLUMNS)[number])
            : null,
    );
}

export class HostWriter {
  /** Rich records per INSERT. */
  private readonly fullChunk: number;
  /** Plain INSERT texts of the scan last written, by row count. */
  private plainTexts: { scanId: number; byRows: Map<number, string> } = { scanId: -1, byRows: new Map() };

  private readonly verdicts: VerdictIds;
  /** Family masks by classification (family bits never change once assigned). */
  private masks = new WeakMap<Classification, [number, number]>();

  constructor(
    private readonly db: SqlDriver,
    private readonly fam: FamilyBits,
  ) {
    this.fullChunk = db.traits.rowsPerInsert.full;
    this.verdicts = new VerdictIds(db);
  }

  /** After a rolled-back batch: what it stored (verdicts, family bits) is gone. No query: the connection may be the reason. */
  rolledBack(): void {
    this.verdicts.forget();
    this.masks = new WeakMap();
    this.fam.invalidate();
  }

  /** Writes a batch splitBatch made (here or on another thread). */
  async writeSplit(scanId: number, batch: SplitBatch): Promise<WriteResult> {
    // family bits first (each once per classification: judges share one object per build and date)
    const classifications = new Set<Classification>();
    for (const h of batch.full)
      if (h.record.isExchange && h.record.classification && !this.masks.has(h.record.classification))
        classifications.add(h.record.classification);
    const bits = new Map<string, number>();
    for (const c of classifications)
      for (const f of familiesOf(c)) if (!bits.has(f)) bits.set(f, await this.fam.bitFor(f));
    for (const c of classifications)
      this.masks.set(
        c,
        masksOf(c, (f) => bits.get(f) as number),
      );
    const masks = (c: Classification): [number, number] => this.masks.get(c) as [number, number];
    const result: WriteResult = { rows: [], plainRows: [], removed: [], counts: batch.counts };
    await this.writePlain(scanId, batch.plain, result);
    await this.writeFull(scanId, batch.full, masks, result);
    await this.writeCounts(scanId, batch.counts);
    return result;
  }

  /** Counted records: a few rows per batch (one per country, ASN and source). */
  private async writeCounts(scanId: number, counts: SqlValue[]): Promise<void> {
    const width = PLAIN_COUNT_COLUMNS.length;
    const perStatement = 100;
    for (let i = 0; i < counts.length; i += width * perStatement) {
      const part = counts.slice(i, i + width * perStatement);
      const rows = part.length / width;
      const values: SqlValue[] = [];
      for (let r = 0; r < rows; r++) values.push(scanId, ...part.slice(r * width, (r + 1) * width));
      const tuple = `(${Array<string>(width + 1)
        .fill('?')
        .join(', ')})`;
      await this.db.run(
        `INSERT INTO plain_counts (scan_id, ${PLAIN_COUNT_COLUMNS.join(', ')}) VALUES ${Array<string>(rows).fill(tuple).join(', ')}`,
        values,
      );
    }
  }

  private plainText(scanId: number, n: number): string {
    if (!Number.isSafeInteger(scanId)) throw new Error(`bad scan id ${scanId}`);
    if (this.plainTexts.scanId !== scanId) this.plainTexts = { scanId, byRows: new Map() };
    let t = this.plainTexts.byRows.get(n);
    if (t === undefined) this.plainTexts.byRows.set(n, (t = plainInsert(scanId, n)));
    return t;
  }

  private async writePlain(scanId: number, chunks: SqlValue[][], result: WriteResult): Promise<void> {
    for (const values of chunks) {
      const n = values.length / PLAIN_WIDTH;
      result.plainRows.push(values);
      const { changes } = await this.db.run(this.plainText(scanId, n), values);
      if (changes === n) continue;
      // Some targets were stored before (a resume, or a target repeated across batches): replace them.
      const part: Target[] = [];
      for (let base = 0; base < values.length; base += PLAIN_WIDTH)
        part.push({ ip: values[base + PLAIN_IP] as string, port: values[base + PLAIN_PORT] as number, base });
      const stale = this.db.traits.tallyOnWrite
        ? await this.preexisting(scanId, part, changes, result)
        : part;
      const again: SqlValue[] = [];
      for (const t of stale) pushWideRow(again, scanId, values, t.base);
      const ids = (await this.db.all(upsertHosts(stale.length), again)).map((r) => Number(r.id));
      // Plain records keep no JSON: drop what the replaced ones had.
      await this.db.run(`DELETE FROM host_data WHERE host_id IN (${ids.map(() => '?').join(', ')})`, ids);
    }
  }

  /**
   * The hosts of `part` that were stored before its INSERT, with their old rows put in `removed`.
   * AUTOINCREMENT ids only grow, so the `inserted` highest ids among them are the new rows.
   */
  private async preexisting<T extends Target>(
    scanId: number,
    part: T[],
    inserted: number,
    result: WriteResult,
  ): Promise<T[]> {
    const rows = await this.selectRows(scanId, part);
    rows.sort((a, b) => Number(b.id) - Number(a.id));
    const old = rows.slice(inserted);
    result.removed.push(old.flatMap((r) => HOST_COLUMNS.map((c) => r[c] as SqlValue)));
    const byKey = new Map(part.map((t) => [keyOf(t.ip, t.port), t]));
    return old.map((r) => byKey.get(keyOf(r.ip, r.port)) as T);
  }

  private selectRows(scanId: number, part: Array<{ ip: string; port: number }>): Promise<SqlRow[]> {
    const keys: SqlValue[] = [scanId];
    for (const t of part) keys.push(t.ip, t.port);
    return this.db.all(
      `SELECT id, ${COLS} FROM hosts WHERE scan_id = ? AND (ip, port) IN (VALUES ${part.map(() => '(?, ?)').join(', ')})`,
      keys,
    );
  }

  /**
   * Inserts a part's fresh rows and gives each inserted target's id: given in the statement when the
   * driver can tell the next id (no RETURNING rows to build), else read back through RETURNING.
   */
  private async insertFull(
    scanId: number,
    part: BatchHost[],
    values: SqlValue[],
    next: number,
  ): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    if (!this.db.traits.nextHostId) {
      // RETURNING order is not guaranteed for multi-row inserts: match ids by target.
      for (const r of await this.db.all(insertReturning(part.length), values))
        ids.set(keyOf(r.ip, r.port), Number(r.id));
      return ids;
    }
    const withIds: SqlValue[] = [];
    for (let j = 0; j < part.length; j++) {
      withIds.push(next + j);
      for (let k = j * WIDTH; k < (j + 1) * WIDTH; k++) withIds.push(values[k] as SqlValue);
    }
    const { changes } = await this.db.run(insertWithIds(part.length), withIds);
    if (changes === part.length) part.forEach((h, j) => ids.set(keyOf(h.record.ip, h.record.port), next + j));
    else {
      // Which rows went in: this scan's, of this part, in the id range. (OR IGNORE also skips a row whose
      // id is taken, which a sequence set back by hand allows: the row in the way may be another scan's.)
      const wanted = new Set(part.map((h) => keyOf(h.record.ip, h.record.port)));
      for (const r of await this.db.all(
        'SELECT id, ip, port FROM hosts WHERE scan_id = ? AND id BETWEEN ? AND ?',
        [scanId, next, next + part.length - 1],
      )) {
        const key = keyOf(r.ip, r.port);
        if (wanted.has(key)) ids.set(key, Number(r.id));
      }
    }
    return ids;
  }

  private async writeFull(
    scanId: number,
    full: BatchHost[],
    masks: (c: Classification) => [number, number],
    result: WriteResult,
  ): Promise<void> {
    const nextId = this.db.traits.nextHostId;
    let next = nextId && full.length > 0 ? await nextId() : 0;
    for (let i = 0; i < full.length; i += this.fullChunk) {
      const part = full.slice(i, i + this.fullChunk);
      const values: SqlValue[] = [];
      for (const h of part) pushHostRow(values, scanId, h.record, masks);
      result.rows.push(values);
      const ids = await this.insertFull(scanId, part, values, next);
      next += part.length;
      if (ids.size < part.length) {
        const stored = part.filter((h) => !ids.has(keyOf(h.record.ip, h.record.port)));
        if (this.db.traits.tallyOnWrite)
          result.removed.push(
            (
              await this.selectRows(
                scanId,
                stored.map((h) => h.record),
              )
            ).flatMap((r) => HOST_COLUMNS.map((c) => r[c] as SqlValue)),
          );
        const again: SqlValue[] = [];
        for (const h of stored) pushHostRow(again, scanId, h.record, masks);
        for (const r of await this.db.all(upsertHosts(stored.length), again))
          ids.set(keyOf(r.ip, r.port), Number(r.id));
        if (nextId) next = await nextId();
      }
      const data: SqlValue[] = [];
      for (const h of part) {
        data.push(
          ids.get(keyOf(h.record.ip, h.record.port)) ?? null,
          h.json,
          h.observation,
          h.reader,
          h.record.classification ? await this.verdicts.idOf(h.record.classification) : null,
        );
      }
      await this.db.run(upsertData(part.length), data);
    }
  }
}

/** One batch in one transaction, with the scan's data version moved on (the cubes are then stale). */
export async function commitBatch(
  db: SqlDriver,
  writer: HostWriter,
  scanId: number,
  batch: SplitBatch,
): Promise<WriteResult> {
  try {
    return await db.transaction(async () => {
      const w = await writer.writeSplit(scanId, batch);
      await db.run('UPDATE scans SET data_version = data_version + 1 WHERE id = ?', [scanId]);
      return w;
    });
  } catch (err) {
    writer.rolledBack();
    throw err;
  }
}
