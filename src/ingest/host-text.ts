// The text a caller prints for each judged record (IngestOptions.hostText): a JSON Line or a row of
// the table. It is made wherever a record is final, so worker threads can send a block's records
// as the text itself: a few megabytes copied once instead of every record cloned and rebuilt on
// the calling thread.
import type { HostRecord } from '../core/host-record.js';
import { hostJsonLine } from '../core/wire.js';
import { printable } from '../core/printable.js';
import { hasSourceGeoAndNetwork, isCountryCode, withContinent } from '../geo/countries.js';
import { isEncoded } from '../store/encoded-host.js';
import type { EncodedHost, StoredHost } from '../store/store.js';

/** `json`: one JSON Line per record (hostJsonLine); `rows`: address, port, status, build, release, country, network. */
export type HostText = 'json' | 'rows';

/** Records already written as lines of text, in input order, each line ending in "\n". */
export interface HostLines {
  text: string;
  count: number;
}

/** One record as a row of the table: tab-separated cells, made printable. */
export function hostTableRow(r: HostRecord): string {
  const cells = [
    r.ip,
    r.port,
    r.status,
    r.evidence.build ?? '-',
    r.classification?.release ?? '-',
    r.geo?.country ? (isCountryCode(r.geo.country) ? r.geo.country : `unknown (${r.geo.country})`) : '-',
    r.asn ? `AS${r.asn.number}` : '-',
  ];
  // escaped once per row: printable() leaves tabs as they are, so this is each cell escaped, joined
  return printable(cells.join('\t'));
}

export function hostTextLine(kind: HostText, r: HostRecord): string {
  return kind === 'json' ? hostJsonLine(r) : hostTableRow(r);
}

/** Records as lines of text, in their order. */
export function hostLines(kind: HostText, records: readonly HostRecord[]): HostLines {
  let text = '';
  for (const r of records) text += hostTextLine(kind, r) + '\n';
  return { text, count: records.length };
}

/**
 * A block's records as lines of text when every one of them is final where they were judged: the
 * source gave its geo and network, so the calling thread would only derive the continent from the
 * country (Recorder.enrich), which is done here the same way. Null when any record needs more
 * (a geo lookup, an encoded record for the store): the block then travels as records.
 */
export function finalHostLines(
  kind: HostText,
  hosts: ReadonlyArray<StoredHost | EncodedHost>,
): HostLines | null {
  for (const h of hosts) if (isEncoded(h) || !hasSourceGeoAndNetwork(h.record)) return null;
  const records: HostRecord[] = [];
  for (const h of hosts) {
    const r = h.record;
    r.geo = withContinent(r.geo!);
    records.push(r);
  }
  return hostLines(kind, records);
}
