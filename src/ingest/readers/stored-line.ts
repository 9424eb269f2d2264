// Records of line-oriented formats keep their observation as the source line itself: it is the
// raw record the observation holds anyway, costs no encoding, and is read again with the same
// reader when `reclassify` re-judges it (so a better reader improves old scans too).
import type { Observation } from '../../core/observation.js';
import type { ObservationRef } from '../../store/store.js';
import type { Detected } from '../detect.js';
import { lineParserFor } from './index.js';
import { canonicalIp, checkObservation, isIpAddress } from '../../core/values.js';
import { FORMATS, isLineError, type IngestFormat, type LineResult } from '../types.js';

/** The reader a stored line is read with: "shodan", "masscan/list"...; null for formats that are not one record per line. */
export function lineReaderKey(d: Detected): string | null {
  if (d.layout !== 'lines') return null;
  return d.variant ? `${d.format}/${d.variant}` : d.format;
}

function detectedOf(key: string): Detected | null {
  const [format, variant] = key.split('/');
  if (!(FORMATS as readonly string[]).includes(format ?? '')) return null;
  if (variant !== undefined && variant !== 'json' && variant !== 'list') return null;
  return { format: format as IngestFormat, layout: 'lines', ...(variant ? { variant } : {}) };
}

const parsers = new Map<string, ((text: string) => LineResult) | null>();

/**
 * The observation a stored line (text or UTF-8 bytes) gives for the host it was stored with,
 * checked as ingest checks it (checkObservation: no NUL in text, no ASN past 32 bits).
 * `host.timestamp` stands in where the line has no time (the ingest gave such records its own time).
 */
export function observationFromLine(
  line: Extract<ObservationRef, { kind: 'line' }>,
  host: { ip: string; port: number; timestamp: string },
): Observation | { error: string } {
  const { reader } = line;
  const text =
    typeof line.text === 'string'
      ? line.text
      : Buffer.from(line.text.buffer, line.text.byteOffset, line.text.byteLength).toString('utf8');
  let parse = parsers.get(reader);
  if (parse === undefined) {
    const d = detectedOf(reader);
    parse = d ? lineParserFor(d) : null;
    parsers.set(reader, parse);
  }
  if (!parse) return { error: `stored with an unknown reader "${reader}"` };
  const r = parse(text);
  if (isLineError(r)) return { error: `its stored line no longer reads: ${r.error}` };
  // the host was stored under the address checkObservation made canonical
  const sameIp = (ip: string): boolean =>
    ip === host.ip || (typeof ip === 'string' && isIpAddress(ip) && canonicalIp(ip) === host.ip);
  const obs = r.find((o) => o.port === host.port && sameIp(o.ip));
  if (!obs) return { error: 'its stored line no longer gives this host' };
  // the same check as at ingest (ingest/process.ts add): a dropped value is as ingest dropped it
  const bad = checkObservation(obs);
  if (bad && 'reject' in bad)
    return { error: `its stored line gives a record ingest refuses: ${bad.reject}` };
  if (obs.timestamp === '') obs.timestamp = host.timestamp;
  return obs;
}
