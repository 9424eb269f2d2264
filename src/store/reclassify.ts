// Re-judges a stored scan's observations (new knowledge base, new rules, another date)
// without re-scanning. Geo, network and the probe log stay as stored: they are facts of the scan.
import { hostRecordToWire } from '../core/wire.js';
import type { HostRecord } from '../core/host-record.js';
import type { Observation } from '../core/observation.js';
import type { Store, StoredHost } from './store.js';

export interface ReclassifyResult {
  hosts: number;
  /** Hosts judged again from their stored observation. */
  rejudged: number;
  /** Of those, hosts whose record changed (and were rewritten). */
  changed: number;
  /** Hosts stored without an observation: kept as they were. */
  skipped: number;
}

export type Judge = (obs: Observation) => HostRecord;

export async function reclassifyScan(store: Store, scanId: number, judge: Judge, opts: { batchSize?: number } = {}): Promise<ReclassifyResult> {
  const batchSize = opts.batchSize ?? 1000;
  const result: ReclassifyResult = { hosts: 0, rejudged: 0, changed: 0, skipped: 0 };
  let batch: StoredHost[] = [];
  // iterateHosts pages by key, so rewriting rows while iterating is safe.
  for await (const host of store.iterateHosts(scanId)) {
    result.hosts += 1;
    if (!host.observation) {
      result.skipped += 1;
      continue;
    }
    result.rejudged += 1;
    const fresh = judge(host.observation);
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
    batch.push({ record, observation: host.observation });
    if (batch.length >= batchSize) {
      await store.addHosts(scanId, batch);
      batch = [];
    }
  }
  if (batch.length > 0) await store.addHosts(scanId, batch);
  return result;
}
