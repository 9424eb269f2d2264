// reclassifyStored: re-judges the stored observations of one scan (or all) with the knowledge base
// and rules in use, on a given date, without re-scanning.
import { ConfigError } from '../core/errors.js';
import { judgeObservation } from '../classify/judge.js';
import { loadRules } from '../fingerprint/index.js';
import { loadKnowledgeBase } from '../kb/load.js';
import { observationFromLine } from '../ingest/readers/stored-line.js';
import { reclassifyScan, type ReclassifyResult } from '../store/reclassify.js';
import type { ScanInfo, Store } from '../store/index.js';

export interface ReclassifyOptions {
  /** Scan id or name; default: the latest. Ignored with `all`. */
  scan?: string;
  all?: boolean;
  asOf: string;
  /** Records per written batch (default: the store's). */
  batchSize?: number;
}

export interface ReclassifyHooks {
  /** Called after each scan is done. */
  onScan?: (scan: ScanInfo, result: ReclassifyResult) => Promise<void> | void;
}

export async function reclassifyStored(
  store: Store,
  o: ReclassifyOptions,
  hooks: ReclassifyHooks = {},
): Promise<Array<{ scan: ScanInfo; result: ReclassifyResult }>> {
  const judgeCtx = { rules: loadRules(), kb: loadKnowledgeBase(), asOf: o.asOf };
  const scans = o.all
    ? await store.listScans()
    : [o.scan !== undefined ? await store.getScan(o.scan) : await store.latestScan()].filter(
        (s): s is ScanInfo => s !== null,
      );
  if (scans.length === 0)
    throw new ConfigError(
      'E_SCAN_NOT_FOUND',
      o.scan !== undefined && !o.all ? `no scan "${o.scan}" in the store` : 'the store holds no scans',
    );
  const out: Array<{ scan: ScanInfo; result: ReclassifyResult }> = [];
  for (const scan of scans) {
    const result = await reclassifyScan(store, scan.id, (obs) => judgeObservation(obs, judgeCtx), {
      decodeLine: observationFromLine,
      ...(o.batchSize ? { batchSize: o.batchSize } : {}),
    });
    await hooks.onScan?.(scan, result);
    out.push({ scan, result });
  }
  return out;
}
