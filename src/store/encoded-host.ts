// How the store keeps a host with something to re-judge: its record as JSON (without the fields
// its hosts row holds, and without the verdict, which is stored once per classification:
// verdicts.ts) and its observation as text or bytes.
// encodeHost is the one place that decides it; ingest worker threads call it to encode in
// parallel, and the batch takes the result as is.
import { hostRecordRestToWire } from '../core/wire.js';
import type { EncodedHost, StoredHost } from './store.js';

export type { EncodedHost } from './store.js';

export function encodeHost(h: StoredHost): EncodedHost {
  const ref = h.observation;
  let observation: string | Uint8Array | null = null;
  let reader: string | null = null;
  if (ref?.kind === 'line') {
    observation = ref.text;
    reader = ref.reader;
  } else if (ref?.kind === 'json') observation = ref.json;
  else if (ref?.kind === 'object') observation = JSON.stringify(ref.observation);
  return { record: h.record, json: JSON.stringify(hostRecordRestToWire(h.record)), observation, reader };
}

export function isEncoded(h: StoredHost | EncodedHost): h is EncodedHost {
  return (h as EncodedHost).json !== undefined;
}
