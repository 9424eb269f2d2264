// The lab fleet as a use case: start it, and its ground truth as JSON Lines objects and as geo.
export {
  startLab,
  DEFAULT_BASE,
  DEFAULT_HTTPS_PORT,
  type Lab,
  type LabMix,
  type LabOptions,
} from '../lab/index.js';
export { truthToWire } from '../lab/truth-wire.js';
export { readLabTruthGeo } from './lab-truth.js';
