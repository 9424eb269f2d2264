// The one judge signature: an observation in, its host record out (fingerprint + classification
// against a knowledge base on a date, fixed when the judge is made).
import type { HostRecord } from './host-record.js';
import type { Observation } from './observation.js';

export type Judge = (obs: Observation) => HostRecord;
