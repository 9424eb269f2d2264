// How a scan is shown: snake_case JSON for `scans --json`, and a plain table.
import type { ScanInfo } from '../store/store.js';

export function scanToWire(s: ScanInfo): Record<string, unknown> {
  return {
    id: s.id,
    name: s.name,
    kind: s.kind,
    source: s.source,
    series: s.series,
    started_at: s.startedAt,
    finished_at: s.finishedAt,
    state: s.state,
    hosts: s.counts.hosts,
    exchange: s.counts.exchange,
    suspect: s.counts.suspect,
    kb_version: kbVersionOf(s),
    inputs: s.inputs,
    options: s.options,
  };
}

/** The knowledge base the scan was last judged with; null for scans stored before it was recorded. */
export function kbVersionOf(s: ScanInfo): string | null {
  return typeof s.options.kb_version === 'string' ? s.options.kb_version : null;
}

export function formatScanTable(scans: ScanInfo[]): string {
  const head = [
    'ID',
    'NAME',
    'KIND',
    'SOURCE',
    'SERIES',
    'STARTED',
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
    s.state,
    String(s.counts.hosts),
    String(s.counts.exchange),
    String(s.counts.suspect),
    kbVersionOf(s) ?? '-',
  ]);
  const numeric = new Set([0, 7, 8, 9]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}
