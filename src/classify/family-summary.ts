// Folds per-CVE verdicts into one status per family: the worst of its CVEs.
import type { VulnStatus, VulnVerdict } from '../core/classification.js';

const SEVERITY: Record<VulnStatus, number> = {
  vulnerable: 4,
  likely: 3,
  unassessed: 2,
  unknown: 1,
  patched: 0,
};

export function familyStatuses(vulns: readonly VulnVerdict[]): { family: string; status: VulnStatus }[] {
  const worst = new Map<string, VulnStatus>();
  for (const v of vulns) {
    const prev = worst.get(v.family);
    if (!prev || SEVERITY[v.status] > SEVERITY[prev]) worst.set(v.family, v.status);
  }
  return [...worst].map(([family, status]) => ({ family, status }));
}

/** Family keys whose worst status is `status`, in first-seen order. */
export function familiesWith(vulns: readonly VulnVerdict[], status: VulnStatus): string[] {
  return familyStatuses(vulns)
    .filter((f) => f.status === status)
    .map((f) => f.family);
}
