// Public surface of the active scanner: targets -> target space -> runScan -> host records.
export {
  runScan,
  probeTarget,
  type ScanPlan,
  type ScanOptions,
  type ScanSummary,
  type ScanProgress,
} from './scan-engine.js';
export { buildTargetSpace, type Target, type TargetSpace, type SkippedTarget } from './target-space.js';
export {
  parseTargetSpec,
  parseTargetLines,
  parsePorts,
  type TargetSpec,
  type PortSpec,
  type Protocol,
  type SpecError,
} from './targets.js';
export {
  loadBlocklist,
  loadExcludeFile,
  parseExcludeList,
  parseRangeList,
  readExcludeFile,
} from './blocklist.js';
export { loadProbePlan, parseProbePlan, type ProbePlan } from './probe-plan.js';
export { Permutation } from './permutation.js';
export { targetKey } from '../core/ip.js';
