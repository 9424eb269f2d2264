// How a scan is shown: snake_case JSON for `scans --json`, and a plain table.
import type { ScanInfo } from '../store/store.js';
import { windowLabel } from '../core/time-span.js';

/** The date of a scan's data (YYYY-MM-DD): its observed window's end, else when it started. */
export function scanDate(s: Pick<ScanInfo, 'observed' | 'startedAt'>): string {
  return (s.observed?.last ?? s.startedAt).slice(0, 10);
}

/** The full ISO time scans are ordered by (see Store.listScans). */
export function scanDataTime(s: Pick<ScanInfo, 'observed' | 'startedAt'>): string {
  return s.observed?.last ?? s.startedAt;
}

/** How a scan's date is shown: its observed window, or its start marked as such when the data had no times. */
export function scanDateLabel(s: Pick<ScanInfo, 'observed' | 'startedAt'>): string {
  return s.observed ? windowLabel(s.observed) : `${s.startedAt.slice(0, 10)} (started; no observation time)`;
}

/**
 * A note for a scan that is not complete (interrupted or still running: its counts are partial),
 * or whose re-judgement did not finish (its records judged with two knowledge bases).
 */
export function incompleteNote(s: Pick<ScanInfo, 'name' | 'state' | 'options'>): string | null {
  const notes: string[] = [];
  if (s.state !== 'complete')
    notes.push(
      `scan "${s.name}" is ${s.state === 'running' ? 'not finished (running, or stopped without being marked)' : 'interrupted'}: its counts are partial`,
    );
  const r = unfinishedRejudgement(s);
  if (r)
    notes.push(
      `scan "${s.name}" is partly re-judged: a reclassify to KB ${r.kb_version} (as of ${r.as_of}) did not finish, so its counts mix that KB with ${r.from_kb_version ?? 'the one it was judged with before'}; run reclassify again to finish`,
    );
  return notes.length > 0 ? notes.join('; ') : null;
}

/** Options key reclassify sets before its first write and clears when done (run/reclassify.ts). */
export const REJUDGING_KEY = 'rejudging';

/** A re-judgement reclassify started on the scan and did not finish; null when there is none. */
export interface UnfinishedRejudgement {
  kb_version: string;
  as_of: string;
  /** The KB the scan was judged with before (null: not recorded). */
  from_kb_version: string | null;
}

export function unfinishedRejudgement(s: Pick<ScanInfo, 'options'>): UnfinishedRejudgement | null {
  const r = s.options[REJUDGING_KEY] as Partial<UnfinishedRejudgement> | undefined;
  if (!r || typeof r !== 'object' || typeof r.kb_version !== 'string') return null;
  return {
    kb_version: r.kb_version,
    as_of: typeof r.as_of === 'string' ? r.as_of : '?',
    from_kb_version: typeof r.from_kb_version === 'string' ? r.from_kb_version : null,
  };
}

/** Under the scans table: a note for each scan a reclassify left judged with two KBs. */
export function rejudgingNotes(scans: ScanInfo[]): string {
  return scans
    .filter((s) => unfinishedRejudgement(s))
    .map((s) => `Note: ${incompleteNote({ ...s, state: 'complete' })}.\n`)
    .join('');
}

/** The KB as shown with a scan: its version, or both when a re-judgement did not finish. */
export function kbLabelOf(s: ScanInfo): string {
  const r = unfinishedRejudgement(s);
  if (r) return `${r.from_kb_version ?? '-'} + ${r.kb_version} (partly re-judged)`;
  return kbVersionOf(s) ?? '-';
}
import { renderTableView, type TableView } from './render-text.js';
import type { Table } from './table.js';

export function scanToWire(s: ScanInfo): Record<string, unknown> {
  return {
    id: s.id,
    name: s.name,
    kind: s.kind,
    source: s.source,
    series: s.series,
    started_at: s.startedAt,
    finished_at: s.finishedAt,
    observed_first: s.observed?.first ?? null,
    observed_last: s.observed?.last ?? null,
    state: s.state,
    hosts: s.counts.hosts,
    exchange: s.counts.exchange,
    suspect: s.counts.suspect,
    kb_version: kbVersionOf(s),
    // set while a reclassify that did not finish left records judged with two KBs
    partly_rejudged: unfinishedRejudgement(s),
    inputs: s.inputs,
    options: s.options,
  };
}

/** The knowledge base the scan was last judged with; null for scans stored before it was recorded. */
export function kbVersionOf(s: ScanInfo): string | null {
  return typeof s.options.kb_version === 'string' ? s.options.kb_version : null;
}

/** The scans as a table; KIND and SERIES show with --wide or --columns. */
export function scanTable(scans: ScanInfo[]): Table {
  const extra = new Set(['KIND', 'SERIES']);
  const numeric = new Set(['ID', 'HOSTS', 'EXCHANGE', 'SUSPECT']);
  const head = [
    'ID',
    'NAME',
    'KIND',
    'SOURCE',
    'SERIES',
    'STARTED',
    'OBSERVED',
    'STATE',
    'HOSTS',
    'EXCHANGE',
    'SUSPECT',
    'KB',
  ];
  const rows = scans.map((s) => [
    String(s.id),
    s.name,
    s.kind,
    s.source,
    s.series,
    s.startedAt.replace('T', ' ').slice(0, 16),
    s.observed ? windowLabel(s.observed) : '-',
    s.state,
    s.counts.hosts,
    s.counts.exchange,
    s.counts.suspect,
    kbLabelOf(s),
  ]);
  return {
    title: '',
    columns: head.map((label) => ({
      label,
      ...(numeric.has(label) ? { numeric: true } : {}),
      ...(extra.has(label) ? { extra: true } : {}),
    })),
    rows,
  };
}

export function formatScanTable(scans: ScanInfo[], view: TableView = {}): string {
  return renderTableView(scanTable(scans), view);
}

/**
 * What the date of a census means: end of support is judged on the report's date, while a
 * record's CVE verdicts are those it was stored with (judged as of the ingest's date, or the last
 * reclassify's), which `reclassify --as-of` re-judges.
 */
export function judgedLabel(asOf: string, s: Pick<ScanInfo, 'options'>): string {
  const cves = typeof s.options.as_of === 'string' ? s.options.as_of : 'when stored';
  return cves === asOf
    ? `support and CVEs judged as of ${asOf}`
    : `end of support judged as of ${asOf}, CVEs as judged ${cves === 'when stored' ? cves : `as of ${cves}`} (reclassify --as-of ${asOf} re-judges them)`;
}
