// reclassifyStored: re-judges the stored observations of one scan (or all) with the knowledge base
// and rules in use, on a given date, without re-scanning; records that KB version on the scan and
// says what the new judgement changed (with the same date: what the knowledge changed).
import { ConfigError } from '../core/errors.js';
import { judgeObservation } from '../classify/judge.js';
import { loadRules } from '../fingerprint/index.js';
import { loadKnowledgeBase } from '../kb/load.js';
import { observationFromLine } from '../ingest/readers/stored-line.js';
import { reclassifyScan, type ReclassifyResult } from '../store/reclassify.js';
import type { ScanInfo, Store } from '../store/index.js';
import { kbVersionOf, REJUDGING_KEY, unfinishedRejudgement } from '../report/scan-view.js';
import {
  addJudgementChange,
  newJudgementChanges,
  type JudgementChanges,
} from '../report/judgement-changes.js';

export { formatJudgementChanges, type JudgementChanges } from '../report/judgement-changes.js';

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
  onScan?: (scan: ScanInfo, result: ReclassifyResult, changes: JudgementChanges) => Promise<void> | void;
}

export async function reclassifyStored(
  store: Store,
  o: ReclassifyOptions,
  hooks: ReclassifyHooks = {},
): Promise<Array<{ scan: ScanInfo; result: ReclassifyResult; changes: JudgementChanges }>> {
  const kb = loadKnowledgeBase();
  const judgeCtx = { rules: loadRules(), kb, asOf: o.asOf };
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
  const out: Array<{ scan: ScanInfo; result: ReclassifyResult; changes: JudgementChanges }> = [];
  for (const scan of scans) {
    // Marked before the first write, cleared after the last: a run stopped part-way (Ctrl-C, kill,
    // a failed write) leaves the scan saying its records mix two KBs (report/scan-view.ts
    // incompleteNote) until a run finishes. A run after such a stop keeps the KB it came from.
    const { [REJUDGING_KEY]: _unfinished, ...options } = scan.options;
    const from = unfinishedRejudgement(scan)?.from_kb_version ?? kbVersionOf(scan);
    await store.setScanOptions(scan.id, {
      ...options,
      [REJUDGING_KEY]: { kb_version: kb.version, as_of: o.asOf, from_kb_version: from },
    });
    const changes = newJudgementChanges();
    const result = await reclassifyScan(store, scan.id, (obs) => judgeObservation(obs, judgeCtx), {
      decodeLine: observationFromLine,
      onChange: (before, after) => addJudgementChange(changes, before, after, o.asOf),
      ...(o.batchSize ? { batchSize: o.batchSize } : {}),
    });
    // The scan now says what it was judged with last: this knowledge base, on this date.
    await store.setScanOptions(
      scan.id,
      result.rejudged > 0 ? { ...options, kb_version: kb.version, as_of: o.asOf } : options,
    );
    await hooks.onScan?.(scan, result, changes);
    out.push({ scan, result, changes });
  }
  return out;
}
