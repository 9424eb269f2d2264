// Re-judges a stored scan's observations (new knowledge base, new rules, another date)
// without re-scanning. Geo, network and the probe log stay as stored: they are facts of the scan.
import { hostRecordToWire } from '../core/wire.js';
import type { HostRecord } from '../core/host-record.js';
import type { Observation } from '../core/observation.js';
import type { Judge } from '../core/judge.js';
import type { ObservationRef, Store, StoredHost } from './store.js';

export interface ReclassifyResult {
  hosts: number;
  /** Hosts judged again from their stored observation. */
  rejudged: number;
  /** Of those, hosts whose record changed (and were rewritten). */
  changed: number;
  /** Hosts stored without an observation: kept as they were. */
  skipped: number;
  /** Of those, hosts whose stored source line no longer reads (see `problems`). */
  unreadable: number;
  /** The first few of those, and of records the store refused to rewrite: host and why. */
  problems: Array<{ ip: string; port: number; reason: string }>;
}

/** Reads a stored source line again (ingest/stored-line.ts), for the host it was stored with. */
export type LineDecoder = (
  line: Extract<ObservationRef, { kind: 'line' }>,
  host: HostRecord,
) => Observation | { error: string };

export interface ReclassifyOptions {
  /**
   * Hosts per write (default 500: under the 1,000 from which a SQLite file store hands a scan to its
   * writer thread, which measured more CPU and ~80 MB more RSS here: docs/measurements.md).
   */
  batchSize?: number;
  /** Needed for hosts stored with their source line; without it they are skipped. */
  decodeLine?: LineDecoder;
  /** Told each host whose record changed, before it is written. */
  onChange?: (before: HostRecord, after: HostRecord) => void;
}

const MAX_PROBLEMS = 20;

export async function reclassifyScan(
  store: Store,
  scanId: number,
  judge: Judge,
  opts: ReclassifyOptions = {},
): Promise<ReclassifyResult> {
  const batchSize = opts.batchSize ?? 500;
  const result: ReclassifyResult = {
    hosts: 0,
    rejudged: 0,
    changed: 0,
    skipped: 0,
    unreadable: 0,
    problems: [],
  };
  let batch: StoredHost[] = [];
  // One batch is written while the next is judged: waiting for each write left this thread idle a
  // third of the time.
  let writing: Promise<void> | null = null;
  const send = async (hosts: StoredHost[]): Promise<void> => {
    if (writing) await writing;
    // a record the store refuses keeps its stored row: a problem of that host
    const w = store.addHosts(scanId, hosts).then((refused) => {
      for (const r of refused)
        if (result.problems.length < MAX_PROBLEMS)
          result.problems.push({ ip: r.ip ?? '', port: r.port ?? 0, reason: `not rewritten: ${r.reason}` });
    });
    w.catch(() => undefined); // surfaces at the next send or at the end
    writing = w;
  };
  try {
    await judgeAll();
  } catch (err) {
    // no write left running when the run fails; a failed write came first and is the cause
    if (writing) await writing;
    throw err;
  }
  if (batch.length > 0) await send(batch);
  if (writing) await writing;
  return result;

  async function judgeAll(): Promise<void> {
    // iterateHosts pages by key, so rewriting rows while iterating is safe.
    for await (const host of store.iterateHosts(scanId)) {
      result.hosts += 1;
      const ref = host.observation;
      let obs = ref?.kind === 'object' ? ref.observation : undefined;
      if (ref?.kind === 'line' && opts.decodeLine) {
        const read = opts.decodeLine(ref, host.record);
        if ('error' in read) {
          result.unreadable += 1;
          if (result.problems.length < MAX_PROBLEMS)
            result.problems.push({ ip: host.record.ip, port: host.record.port, reason: read.error });
        } else obs = read;
      }
      if (!obs) {
        result.skipped += 1;
        continue;
      }
      result.rejudged += 1;
      const fresh = judge(obs);
      const old = host.record;
      const record: HostRecord = { ...fresh };
      delete record.geo;
      delete record.asn;
      delete record.probes;
      if (old.geo ?? fresh.geo) record.geo = old.geo ?? fresh.geo;
      if (old.asn ?? fresh.asn) record.asn = old.asn ?? fresh.asn;
      if (old.probes) record.probes = old.probes;
      if (JSON.stringify(hostRecordToWire(record)) === JSON.stringify(hostRecordToWire(old))) continue;
      result.changed += 1;
      opts.onChange?.(old, record);
      // stored again as it was: as a line, or as the observation
      batch.push({ record, observation: ref?.kind === 'line' ? ref : { kind: 'object', observation: obs } });
      if (batch.length >= batchSize) {
        await send(batch);
        batch = [];
      }
    }
  }
}
