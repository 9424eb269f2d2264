// A batch the database refuses because of one record (a constraint, a trigger, a value it cannot
// hold) is written again in halves, down to single records: the records it refuses alone are given
// back, the rest is stored. Any other failure (the connection, the disk) still fails the batch.
import type { SqlValue } from './driver.js';
import { PLAIN_COUNT_COLUMNS, chunkPlainRows, type InsertShape, type SplitBatch } from './host-batch.js';
import { PLAIN_COLUMNS } from './host-row.js';
import type { RefusedRecord } from './store.js';

/** One record of a split batch: a plain row, a full record, or a row of counted records. */
type Item =
  | { kind: 'plain'; row: SqlValue[]; at: number }
  | { kind: 'full'; at: number; i: number }
  | { kind: 'count'; row: SqlValue[] };

const PLAIN_WIDTH = PLAIN_COLUMNS.length;
const COUNT_WIDTH = PLAIN_COUNT_COLUMNS.length;
const PLAIN_IP = PLAIN_COLUMNS.indexOf('ip');
const PLAIN_PORT = PLAIN_COLUMNS.indexOf('port');
const COUNT_N = PLAIN_COUNT_COLUMNS.indexOf('n');

/**
 * Commits `batch`; when the database refuses it for a record (`refusal` says which errors are
 * that), commits it again in halves, recursively. Returns the records refused on their own.
 * When every record of a batch of several is refused, the fault is no one record's: it throws.
 */
export async function commitOrSplit(
  batch: SplitBatch,
  traits: InsertShape,
  refusal: (err: unknown) => boolean,
  commit: (b: SplitBatch) => Promise<void>,
): Promise<RefusedRecord[]> {
  let first: unknown;
  try {
    await commit(batch);
    return [];
  } catch (err) {
    if (!refusal(err)) throw err;
    first = err;
  }
  const items = itemsOf(batch);
  const refused: RefusedRecord[] = [];
  const retry = async (part: Item[], err: unknown): Promise<void> => {
    if (part.length === 1) {
      refused.push(refusedOf(batch, part[0]!, err));
      return;
    }
    const mid = part.length >> 1;
    for (const half of [part.slice(0, mid), part.slice(mid)]) {
      try {
        await commit(batchOf(batch, half, traits));
      } catch (e) {
        if (!refusal(e)) throw e;
        await retry(half, e);
      }
    }
  };
  await retry(items, first);
  if (items.length > 1 && refused.length === items.length) throw first;
  return refused;
}

function itemsOf(b: SplitBatch): Item[] {
  const items: Item[] = [];
  let r = 0;
  for (const values of b.plain)
    for (let k = 0; k < values.length; k += PLAIN_WIDTH)
      items.push({ kind: 'plain', row: values.slice(k, k + PLAIN_WIDTH), at: b.plainAt[r++] as number });
  b.full.forEach((_, i) => items.push({ kind: 'full', at: b.fullAt[i] as number, i }));
  for (let k = 0; k < b.counts.length; k += COUNT_WIDTH)
    items.push({ kind: 'count', row: b.counts.slice(k, k + COUNT_WIDTH) });
  return items;
}

function batchOf(b: SplitBatch, items: Item[], traits: InsertShape): SplitBatch {
  const rows: SqlValue[] = [];
  const starts: number[] = [];
  const out: SplitBatch = { plain: [], full: [], counts: [], plainAt: [], fullAt: [] };
  for (const it of items) {
    if (it.kind === 'plain') {
      starts.push(rows.length);
      rows.push(...it.row);
      out.plainAt.push(it.at);
    } else if (it.kind === 'full') {
      out.full.push(b.full[it.i]!);
      out.fullAt.push(it.at);
    } else out.counts.push(...it.row);
  }
  out.plain = chunkPlainRows(traits, rows, starts);
  return out;
}

function refusedOf(b: SplitBatch, it: Item, err: unknown): RefusedRecord {
  const reason = err instanceof Error ? err.message : String(err);
  if (it.kind === 'plain')
    return {
      at: it.at,
      ip: it.row[PLAIN_IP] as string,
      port: Number(it.row[PLAIN_PORT]),
      records: 1,
      reason,
    };
  if (it.kind === 'full') {
    const r = b.full[it.i]!.record;
    return { at: it.at, ip: r.ip, port: r.port, records: 1, reason };
  }
  return { at: null, ip: null, port: null, records: Number(it.row[COUNT_N]), reason };
}
