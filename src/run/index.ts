// The use cases: what the CLI, the demo, workers and the dashboard call. Each takes options (and
// a store where it needs one) and returns a result or a summary; none parses arguments or prints.
export {
  ingestIntoStore,
  type IngestIntoStoreOptions,
  type IngestOutput,
  type IngestResult,
} from './ingest.js';
export { scanIntoStore, defaultScanSeries, type ScanIntoStoreOptions, type ScanResult } from './scan.js';
export { readTargets, checkPorts, type ScanTargets } from './targets.js';
export { planScan, formatScanPlan, DEFAULT_CONFIRM_ABOVE, type ScanPlan } from './scan-plan.js';
export {
  census,
  censusJsonRows,
  writeReport,
  writeHostsCsv,
  REPORT_FORMATS,
  type CensusRequest,
  type CensusResult,
  type ReportFormat,
  type ReportOptions,
} from './report.js';
export { writeDiff, type DiffOptions } from './diff.js';
export { notifyOwners, NOTIFY_BY, type NotifyBy, type NotifyOwnersOptions } from './notify.js';
export {
  reclassifyStored,
  formatJudgementChanges,
  type ReclassifyOptions,
  type JudgementChanges,
} from './reclassify.js';
export { listScans, formatScanTable, rejudgingNotes, scanToWire } from './scans.js';
export { lookupBuilds, lookupTableLines } from './lookup.js';
export { runDemo, DEMO_DEFAULT_DB, DEMO_DEFAULT_HTML, type DemoOptions } from './demo.js';
export {
  openStoreForReading,
  openStoreForWriting,
  withStore,
  DEFAULT_STORE_PATH,
  isPostgresUrl,
} from './store.js';
export { parseFilter, parseGroupBy } from '../report/options.js';
export type { GeoChoice } from './geo.js';
export type { Store, ScanInfo, CensusFilter, GroupKey } from '../store/index.js';
export type { HostRecord } from '../core/host-record.js';
export { FORMATS } from '../ingest/types.js';
export { isCountryCode } from '../geo/index.js';
export type { IngestSummary } from '../ingest/pipeline.js';
export {
  parseBytes,
  parseDuration,
  parseShard,
  parseUserAgent,
  readResumeFile,
  progressLine,
} from './targets.js';
export { readLabTruthGeo } from './lab-truth.js';
export { formatHostRow, hostRowHeader } from '../report/host-row.js';
export { startLab, truthToWire, DEFAULT_BASE, DEFAULT_HTTPS_PORT, type LabMix } from './lab.js';
export { updateKnowledgeBase, type KbUpdateOptions, type KbUpdateResult, type Origin } from './kb-update.js';
export { kbStatus, formatKbStatus, type KbStatusReport } from './kb-status.js';
export { kbDiff, formatKbDiff, type KbDiff } from './kb-diff.js';
export { selectKnowledgeBase, type KbSelection } from './kb-in-use.js';
export {
  dashboardOverview,
  seriesTrend,
  hostsPage,
  hostDetail,
  diffScans,
  networkBundle,
  readOnlyStore,
  type Overview,
  type ViewQuery,
  type HostsQuery,
  type HostKind,
  type HostDetail,
  type ScanDiff,
} from './dashboard.js';
export { changeToJson, totalsLines } from './diff.js';
export type { HostFilter, HostPage, HostRow, HostSortKey, CensusRow } from '../store/index.js';
export { HOST_SORT_KEYS } from '../store/index.js';
export { GROUP_KEYS, splitList } from '../report/options.js';
export { GEO_ATTRIBUTION } from '../geo/index.js';
export {
  enqueueScan,
  requireQueueUrl,
  enqueueIngest,
  distributedScanStates,
  retryFailedShards,
  waitForScan,
  type DistributedScanState,
  type EnqueueResult,
} from './distributed.js';
export { runWorker, type WorkerOptions, type WorkerResult } from './worker.js';
export { shardsToWire, watchShards, type ShardWatch } from './shard-progress.js';
