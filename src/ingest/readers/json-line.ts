// One JSON record per line -> observations: the parse every NDJSON reader shares.
import type { Observation } from '../../core/observation.js';
import type { LineResult } from '../types.js';

export type RecordMapper = (value: unknown) => Observation[] | { error: string };

/** NDJSON line -> observations; blank lines carry nothing. */
export function jsonLineParser(map: RecordMapper): (text: string) => LineResult {
  return (text) => {
    if (text.length === 0 || text.trim() === '') return [];
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return { error: `invalid JSON: ${(err as Error).message}` };
    }
    return map(value);
  };
}
