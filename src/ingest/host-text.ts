// The text a caller prints for each judged record (IngestOptions.hostText): a JSON Line or a row of
// the table. It is made wherever a record is final, so worker threads can send a block's records
// as the text itself: a few megabytes copied once instead of every record cloned and rebuilt on
// the calling thread.
import type { HostRecord } from '../core/host-record.js';
import { hostJsonLine } from '../core/wire.js';
import { printable } from '../core/printable.js';
import { completeFromSource, isCountryCode } from '../geo/countries.js';
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
 * A block's records as lines of text when every one of them is final where they were judged
 * (completeFromSource: the source gave its geo and network, the calling thread would add nothing).
 * Null when any record needs more (a geo lookup, an encoded record for the store): the block then
 * travels as records (those completed on the way are completed as the recorder would complete them).
 */
export function finalHostLines(
  kind: HostText,
  hosts: ReadonlyArray<StoredHost | EncodedHost>,
): HostLines | null {
  for (const h of hosts) if (isEncoded(h) || !completeFromSource(h.record)) return null;
  return hostLines(
    kind,
    hosts.map((h) => h.record),
  );
}
