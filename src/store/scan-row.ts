// A scan as the store's `scans` row holds it, read back into a ScanInfo.
import type { ScanInfo, ScanMeta, ScanState } from './store.js';
import type { SqlRow } from './driver.js';

export function scanFromRow(r: SqlRow, counts: ScanInfo['counts']): ScanInfo {
  return {
    id: Number(r.id),
    name: String(r.name),
    kind: r.kind as ScanMeta['kind'],
    source: String(r.source),
    series: String(r.series),
    startedAt: String(r.started_at),
    inputs: JSON.parse(String(r.inputs)) as string[],
    options: JSON.parse(String(r.options)) as Record<string, unknown>,
    finishedAt: r.finished_at === null || r.finished_at === undefined ? null : String(r.finished_at),
    state: r.state as ScanState,
    observed:
      typeof r.observed_first === 'string' && typeof r.observed_last === 'string'
        ? { first: r.observed_first, last: r.observed_last }
        : null,
    counts,
  };
}
