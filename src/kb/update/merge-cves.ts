// Base CVE table + CVEs from MSRC documents + CISA KEV -> the new CVE table. A CVE the base knows
// keeps its researched facts; MSRC may add a fixing build on a line the base has none for (unless
// the annotations say only a setting fixes that line). A new CVE comes whole from MSRC. KEV sets
// the exploited flag, its date and ransomware use; a KEV CVE missing from the table is an error.
import type { CveAnnotations } from '../annotations.js';
import type { CveTableRow } from '../tables.js';
import { compareVersions, lineKey, splitVersion } from '../version.js';
import type { SourceCve } from './cvrf-fixes.js';
import type { KevEntry } from './kev.js';

export interface MergedCves {
  rows: CveTableRow[];
  notes: string[];
  skipped: string[];
  errors: string[];
}

/** CVSS v3 qualitative rating of a base score. */
export function severityOf(score: number): string {
  return score >= 9 ? 'CRITICAL' : score >= 7 ? 'HIGH' : score >= 4 ? 'MEDIUM' : 'LOW';
}

function lineOf(build: string): string {
  return lineKey(splitVersion(build)!);
}

/** One entry per CVE: a CVE in two documents keeps the first fix per line. */
function combine(list: SourceCve[], notes: string[]): SourceCve[] {
  const byCve = new Map<string, SourceCve>();
  for (const c of list) {
    const had = byCve.get(c.cve);
    if (!had) {
      byCve.set(c.cve, { ...c, fixes: new Map(c.fixes) });
      continue;
    }
    for (const [line, build] of c.fixes) {
      const first = had.fixes.get(line);
      if (first === undefined) had.fixes.set(line, build);
      else if (first !== build)
        notes.push(
          `${c.cve}: ${had.document} and ${c.document} fix line ${line} with ${first} and ${build}; kept ${first}`,
        );
    }
    had.products = [...new Set([...had.products, ...c.products])].sort();
  }
  return [...byCve.values()];
}

export function mergeCves(
  base: CveTableRow[],
  fromMsrc: SourceCve[],
  kev: KevEntry[] | null,
  annotations: CveAnnotations,
  /** Builds of the new build table: a fix naming any other build is reported and skipped. */
  known: ReadonlySet<string>,
): MergedCves {
  const out: MergedCves = {
    rows: base.map((r) => ({ ...r, fixedIn: [...r.fixedIn] })),
    notes: [],
    skipped: [],
    errors: [],
  };
  const byCve = new Map(out.rows.map((r) => [r.cve, r]));
  for (const c of combine(fromMsrc, out.notes)) {
    const row = byCve.get(c.cve);
    const fixes = [...c.fixes.values()]
      .filter((b) => {
        if (known.has(b)) return true;
        out.skipped.push(`${c.cve} (${c.document}): fixing build ${b} is not in the build table; skipped`);
        return false;
      })
      .sort((a, b) => compareVersions(splitVersion(b)!, splitVersion(a)!));
    if (!row) {
      if (c.cvss === null || c.cvss <= 0)
        out.skipped.push(`${c.cve} (${c.document}): no CVSS score; skipped`);
      else if (c.published === null)
        out.skipped.push(`${c.cve} (${c.document}): no publication date; skipped`);
      else if (fixes.length === 0)
        out.skipped.push(`${c.cve} (${c.document}): no fixing build could be placed; skipped`);
      else {
        const added: CveTableRow = {
          cve: c.cve,
          cvss: c.cvss,
          severity: severityOf(c.cvss),
          published: c.published,
          kev: false,
          kevDateAdded: null,
          fixedIn: fixes,
          products: c.products,
        };
        out.rows.push(added);
        byCve.set(c.cve, added);
      }
      continue;
    }
    const configOnly = new Set((annotations.cves[c.cve]?.config_only ?? []).map((l) => l.line));
    for (const build of fixes) {
      const line = lineOf(build);
      const have = row.fixedIn.find((b) => lineOf(b) === line);
      if (have !== undefined) {
        if (have !== build)
          out.notes.push(
            `${c.cve}: MSRC (${c.document}) fixes line ${line} with ${build}, the KB with ${have}; kept ${have}`,
          );
      } else if (configOnly.has(line))
        out.notes.push(
          `${c.cve}: MSRC (${c.document}) fixes line ${line} with ${build}; the annotations say only a setting fixes that line; not added`,
        );
      else row.fixedIn.push(build);
    }
  }
  if (kev) {
    const listed = new Set(kev.map((k) => k.cve));
    for (const k of kev) {
      const row = byCve.get(k.cve);
      if (!row) {
        out.errors.push(
          `KEV lists ${k.cve} (added ${k.dateAdded}) for our products, but the CVE table lacks it`,
        );
        continue;
      }
      if (row.kev && row.kevDateAdded !== k.dateAdded)
        out.notes.push(
          `${k.cve}: KEV dates its addition ${k.dateAdded}, the KB ${row.kevDateAdded ?? 'not at all'}; took KEV's`,
        );
      row.kev = true;
      row.kevDateAdded = k.dateAdded;
      row.kevRansomware = k.ransomware;
    }
    for (const row of out.rows)
      if (row.kev && !listed.has(row.cve)) {
        out.notes.push(`${row.cve}: KEV no longer lists it; its KEV flag is dropped`);
        row.kev = false;
        row.kevDateAdded = null;
        delete row.kevRansomware;
      }
  }
  return out;
}
