// Public surface of the pure classifier.
export { parseBuild, type ParsedBuild } from './parse-build.js';
export { classifyBuild } from './classify-build.js';
export { supportStatus, supportedSuccessor, daysBetween, type SupportStatus } from './support.js';
export { familyStatuses, familiesWith } from './family-summary.js';
export { cvesAssessed } from './vulns.js';
export { updateState, type UpdateState } from './update-state.js';
