// listScans: the scans in the store, oldest first, with their counts.
import type { ScanInfo, Store } from '../store/index.js';

export { formatScanTable, rejudgingNotes, scanToWire } from '../report/scan-view.js';

export function listScans(store: Store): Promise<ScanInfo[]> {
  return store.listScans();
}
