// `excensus diff`: two scans host by host, then the totals with percentage changes.
import type { Writable } from 'node:stream';
import type { ScanInfo, Store } from '../store/store.js';
import { jsonLine } from '../core/wire.js';
import { writeLine } from '../core/write-line.js';
import { resolveScan } from '../report/census-source.js';
import {
  DIFF_CATEGORIES,
  diffHosts,
  type DiffResult,
  type HostChange,
  type HostSummary,
} from '../report/diff.js';
import { renderTextTable, type TextLayout } from '../report/render-text.js';
import { formatPercent, share } from '../report/table.js';
import { percentChange } from '../report/trend.js';
import {
  incompleteNote,
  kbVersionOf,
  scanDataTime,
  scanDate,
  scanDateLabel,
  unfinishedRejudgement,
} from '../report/scan-view.js';
import { exchangeServers } from '../report/exchange-servers.js';
import { NOT_ASSESSED } from '../report/assessed.js';

export interface DiffOptions {
  scanA: string;
  scanB: string;
  /** Judge EOL on this date for both scans; default: each scan's own date. */
  asOf?: string;
  json: boolean;
  /** List unchanged hosts too (text output). */
  all: boolean;
  /** The terminal's width when stdout is one (long cells are shortened to fit). */
  layout?: TextLayout;
}

function summaryJson(s: HostSummary | null): Record<string, unknown> | null {
  return s
    ? {
        product: s.product,
        build: s.build,
        release: s.release,
        eol: s.eol,
        open_families: s.open,
        ...(s.cvesAssessed ? {} : { cves_assessed: false }),
      }
    : null;
}

export function changeToJson(c: HostChange): Record<string, unknown> {
  return {
    type: 'host',
    host: c.key,
    category: c.category,
    ...(c.direction ? { direction: c.direction } : {}),
    before: summaryJson(c.before),
    after: summaryJson(c.after),
  };
}

export function totalsLines(d: DiffResult): Array<[label: string, before: number, after: number]> {
  const families = [
    ...new Set([...Object.keys(d.before.vulnerable), ...Object.keys(d.after.vulnerable)]),
  ].sort();
  return [
    ['Exchange servers', d.before.exchange, d.after.exchange],
    ['EOL servers', d.before.eol, d.after.eol],
    ['Open to a CVE family', d.before.open, d.after.open],
    ...families.map((f): [string, number, number] => [
      `${f} vulnerable`,
      d.before.vulnerable[f] ?? 0,
      d.after.vulnerable[f] ?? 0,
    ]),
  ];
}

function label(s: ScanInfo): string {
  return `"${s.name}" (#${s.id}, data of ${scanDateLabel(s)}, KB ${kbVersionOf(s) ?? 'not recorded'})`;
}

/** When the scans were judged with different knowledge, changes may come from it, not the servers. */
function knowledgeNote(a: ScanInfo, b: ScanInfo): string | null {
  const ka = kbVersionOf(a);
  const kb = kbVersionOf(b);
  if (ka === kb) return null;
  return `The scans were judged with different knowledge bases (${ka ?? 'not recorded'}, ${kb ?? 'not recorded'}): some changes may come from the knowledge, not the servers. \`excensus reclassify --scan ${a.name}\` judges the first with the KB in use.`;
}

function openCell(s: HostSummary | null): string | null {
  if (s && !s.cvesAssessed) return NOT_ASSESSED;
  return s?.open.join(' ') || null;
}

/** Two scans compared server by server, the older data first (what `diff` prints and the dashboard shows). */
export async function compareScans(
  store: Store,
  o: { scanA: string; scanB: string; asOf?: string },
): Promise<{ a: ScanInfo; b: ScanInfo; result: DiffResult; swapped: boolean }> {
  const first = await resolveScan(store, o.scanA, { refuseEmpty: true });
  const second = await resolveScan(store, o.scanB, { refuseEmpty: true });
  // before and after follow the dates of the data, whichever order the scans were given or ingested in
  const swapped = scanDataTime(second) < scanDataTime(first);
  const [a, b] = swapped ? [second, first] : [first, second];
  const result = await diffHosts(
    exchangeServers(store, a.id),
    exchangeServers(store, b.id),
    o.asOf ?? scanDate(a),
    o.asOf ?? scanDate(b),
  );
  return { a, b, result, swapped };
}

export async function writeDiff(store: Store, o: DiffOptions, out: Writable): Promise<DiffResult> {
  const { a, b, result: d, swapped } = await compareScans(store, o);
  const partial = [a, b].filter((s) => s.state !== 'complete');
  // a scan with a reclassify that did not finish: its records are judged with two KBs
  const rejudging = [a, b].filter((s) => unfinishedRejudgement(s) !== null);
  const hostsSeen = d.changes.length;
  if (o.json) {
    for (const c of d.changes) await writeLine(out, jsonLine(changeToJson(c)));
    await writeLine(
      out,
      jsonLine({
        type: 'summary',
        scan_a: a.name,
        scan_b: b.name,
        kb_version_a: kbVersionOf(a),
        kb_version_b: kbVersionOf(b),
        observed_a: a.observed,
        observed_b: b.observed,
        ...(partial.length > 0 ? { complete: false, partial: partial.map((s) => s.name) } : {}),
        ...(rejudging.length > 0 ? { partly_rejudged: rejudging.map((s) => s.name) } : {}),
        unit: 'server',
        counts: d.counts,
        totals: Object.fromEntries(
          totalsLines(d).map(([l, x, y]) => [
            l.toLowerCase().replace(/[^a-z0-9]+/g, '_'),
            { before: x, after: y, change: percentChange(x, y) },
          ]),
        ),
      }),
    );
    return d;
  }
  const note = knowledgeNote(a, b);
  const lines = [
    `Diff: scan ${label(a)} -> ${label(b)}`,
    ...(swapped ? ['(ordered by the dates of their data: the second scan given holds the older data)'] : []),
    ...[...new Set([...partial, ...rejudging])].map((s) => `Note: ${incompleteNote(s)}.`),
    ...(note ? [note] : []),
    '',
  ];
  for (const [l, x, y] of totalsLines(d))
    lines.push(`${l}: ${x.toLocaleString('en-US')} -> ${y.toLocaleString('en-US')}, ${percentChange(x, y)}`);
  lines.push(
    '',
    `Servers (${hostsSeen.toLocaleString('en-US')} on-premises Exchange in either scan, one per address):`,
  );
  for (const c of DIFF_CATEGORIES)
    lines.push(
      `  ${c.padEnd(17)} ${d.counts[c].toLocaleString('en-US').padStart(9)}  ${formatPercent(share(d.counts[c], hostsSeen)).padStart(6)}`,
    );
  out.write(lines.join('\n') + '\n\n');
  const shown = d.changes.filter((c) => o.all || c.category !== 'unchanged');
  const fmt = (s: HostSummary | null) =>
    s ? `${s.release ?? s.product ?? 'unknown'}${s.build ? ` (${s.build})` : ''}` : '-';
  out.write(
    renderTextTable(
      {
        title: 'Per server',
        columns: [
          { label: 'Server' },
          { label: 'Change' },
          { label: 'Before' },
          { label: 'After' },
          { label: 'Open families' },
        ],
        rows: shown.map((c) => [
          c.key,
          c.category,
          fmt(c.before),
          fmt(c.after),
          openCell(c.after ?? c.before),
        ]),
      },
      o.layout,
    ),
  );
  return d;
}
