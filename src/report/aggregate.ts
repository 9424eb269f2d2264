// Per-host readings of a stored record that diff, notify and the host CSV share: past end of
// support on a date, and the CVE families a host is open to.
import type { HostRecord } from '../core/host-record.js';

/** Past end of support on asOf, judged from the stored eol_date as the store does (no date: not EOL). */
export function isPastEol(r: HostRecord, asOf: string): boolean {
  const d = r.classification?.eolDate;
  return d !== null && d !== undefined && d !== '' && d < asOf;
}

/** Families with at least one CVE in the given status. */
export function familiesWith(r: HostRecord, status: 'vulnerable' | 'likely'): Set<string> {
  const out = new Set<string>();
  for (const v of r.classification?.vulns ?? []) if (v.status === status) out.add(v.family);
  return out;
}

/** Families a host is open to (vulnerable or likely). */
export function openFamilies(r: HostRecord): Set<string> {
  const out = familiesWith(r, 'vulnerable');
  for (const f of familiesWith(r, 'likely')) out.add(f);
  return out;
}
