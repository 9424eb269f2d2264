// What re-judging stored hosts changed (reclassify after a knowledge base update): releases now
// named differently, CVE families newly open or closed, host by host and in totals. The servers
// did not change, so with the same date every difference comes from the knowledge.
import type { HostRecord } from '../core/host-record.js';
import { summarise, type HostSummary } from './diff.js';

export interface JudgementChange {
  host: string;
  before: HostSummary;
  after: HostSummary;
  opened: string[];
  closed: string[];
}

export interface JudgementChanges {
  /** Hosts whose release (name) or open families changed. */
  hosts: number;
  renamed: number;
  /** Per family: hosts newly open to it, hosts no longer open to it. */
  families: Record<string, { opened: number; closed: number }>;
  /** The first few changes, for a terminal. */
  sample: JudgementChange[];
}

export function newJudgementChanges(): JudgementChanges {
  return { hosts: 0, renamed: 0, families: {}, sample: [] };
}

export function addJudgementChange(
  t: JudgementChanges,
  before: HostRecord,
  after: HostRecord,
  asOf: string,
  keep = 10,
): void {
  const b = summarise(before, asOf);
  const a = summarise(after, asOf);
  const opened = a.open.filter((f) => !b.open.includes(f));
  const closed = b.open.filter((f) => !a.open.includes(f));
  const renamed = a.release !== b.release;
  if (!renamed && opened.length === 0 && closed.length === 0) return;
  t.hosts++;
  if (renamed) t.renamed++;
  for (const f of opened) (t.families[f] ??= { opened: 0, closed: 0 }).opened++;
  for (const f of closed) (t.families[f] ??= { opened: 0, closed: 0 }).closed++;
  if (t.sample.length < keep) t.sample.push({ host: a.key, before: b, after: a, opened, closed });
}

export function formatJudgementChanges(t: JudgementChanges): string[] {
  if (t.hosts === 0) return [];
  const fams = Object.entries(t.families)
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([f, n]) => `${f} +${n.opened}/-${n.closed}`);
  const lines = [
    `  judged differently: ${t.hosts} host(s) (${t.renamed} with another release name${fams.length ? `; open families ${fams.join(', ')}` : ''})`,
  ];
  for (const c of t.sample)
    lines.push(
      `    ${c.host}: ${c.before.release ?? c.before.product ?? '?'} -> ${c.after.release ?? c.after.product ?? '?'}${
        c.opened.length ? `; now open to ${c.opened.join(' ')}` : ''
      }${c.closed.length ? `; no longer open to ${c.closed.join(' ')}` : ''}`,
    );
  if (t.hosts > t.sample.length) lines.push(`    ... and ${t.hosts - t.sample.length} more`);
  return lines;
}
