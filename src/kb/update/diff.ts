// What changed between two knowledge bases: builds and CVEs added, removed or changed, KEV
// additions, lifecycle dates. Pure; `kb update` refuses a result with removals unless allowed,
// and `kb diff` prints it.
import type { CveRecord, KnowledgeBase } from '../types.js';
import { lineKey } from '../version.js';

export interface BuildChange {
  build: string;
  release: string;
  date: string;
  changes?: string[];
}

export interface CveChange {
  cve: string;
  family: string;
  fixedIn: string[];
  changes?: string[];
}

export interface KbDiff {
  from: string;
  to: string;
  addedBuilds: BuildChange[];
  removedBuilds: BuildChange[];
  changedBuilds: BuildChange[];
  addedCves: CveChange[];
  removedCves: CveChange[];
  changedCves: CveChange[];
  kevAdded: { cve: string; dateAdded: string; ransomware: boolean | null }[];
  lifecycle: string[];
  /** Everything the newer KB no longer knows: builds, CVEs, fixing builds, KEV flags. */
  removals: string[];
}

function fixesByLine(c: CveRecord): Map<string, string> {
  return new Map(c.fixedIn.map((f) => [lineKey(f.parts), f.build]));
}

function cveChanges(a: CveRecord, b: CveRecord, removals: string[]): string[] {
  const out: string[] = [];
  const fa = fixesByLine(a);
  const fb = fixesByLine(b);
  for (const [line, build] of fb) {
    const was = fa.get(line);
    if (was === undefined) out.push(`fixed in ${build}`);
    else if (was !== build) out.push(`fix on ${line} ${was} -> ${build}`);
  }
  for (const [line, build] of fa)
    if (!fb.has(line)) {
      out.push(`no longer fixed on ${line} (was ${build})`);
      removals.push(`${a.cve}: fixing build ${build} on line ${line}`);
    }
  if (!a.kev && b.kev) out.push(`KEV added ${b.kevDateAdded ?? '?'}`);
  if (a.kev && !b.kev) {
    out.push('no longer in KEV');
    removals.push(`${a.cve}: KEV flag`);
  }
  if (a.cvss !== b.cvss) out.push(`CVSS ${a.cvss} -> ${b.cvss}`);
  if (a.family !== b.family) out.push(`family ${a.family} -> ${b.family}`);
  return out;
}

export function diffKnowledgeBases(a: KnowledgeBase, b: KnowledgeBase): KbDiff {
  const d: KbDiff = {
    from: a.version,
    to: b.version,
    addedBuilds: [],
    removedBuilds: [],
    changedBuilds: [],
    addedCves: [],
    removedCves: [],
    changedCves: [],
    kevAdded: [],
    lifecycle: [],
    removals: [],
  };
  const aBuilds = new Map(a.builds.map((r) => [r.build, r]));
  const bBuilds = new Map(b.builds.map((r) => [r.build, r]));
  for (const r of b.builds) {
    const was = aBuilds.get(r.build);
    if (!was) d.addedBuilds.push({ build: r.build, release: r.release, date: r.date });
    else {
      const changes = (['release', 'date', 'kind', 'product'] as const)
        .filter((k) => was[k] !== r[k])
        .map((k) => `${k} ${was[k]} -> ${r[k]}`);
      if (changes.length) d.changedBuilds.push({ build: r.build, release: r.release, date: r.date, changes });
    }
  }
  for (const r of a.builds)
    if (!bBuilds.has(r.build)) {
      d.removedBuilds.push({ build: r.build, release: r.release, date: r.date });
      d.removals.push(`build ${r.build} (${r.release})`);
    }
  const aCves = new Map(a.cves.map((c) => [c.cve, c]));
  const bCves = new Map(b.cves.map((c) => [c.cve, c]));
  for (const c of b.cves) {
    const was = aCves.get(c.cve);
    const entry = { cve: c.cve, family: c.family, fixedIn: c.fixedIn.map((f) => f.build) };
    if (!was) d.addedCves.push(entry);
    else {
      const changes = cveChanges(was, c, d.removals);
      if (changes.length) d.changedCves.push({ ...entry, changes });
    }
    if (c.kev && !was?.kev)
      d.kevAdded.push({ cve: c.cve, dateAdded: c.kevDateAdded ?? '?', ransomware: c.kevRansomware ?? null });
  }
  for (const c of a.cves)
    if (!bCves.has(c.cve)) {
      d.removedCves.push({ cve: c.cve, family: c.family, fixedIn: c.fixedIn.map((f) => f.build) });
      d.removals.push(`CVE ${c.cve}`);
    }
  for (const p of b.products) {
    const was = a.productByName.get(p.product);
    if (!was) d.lifecycle.push(`${p.product}: new product`);
    else
      for (const k of ['releaseDate', 'mainstreamEnd', 'extendedEnd'] as const)
        if (was[k] !== p[k]) d.lifecycle.push(`${p.product}: ${k} ${was[k] ?? 'none'} -> ${p[k] ?? 'none'}`);
  }
  return d;
}

function some<T>(items: T[], show: (t: T) => string, max = 5): string {
  const shown = items.slice(0, max).map(show).join(', ');
  return items.length > max ? `${shown}, and ${items.length - max} more` : shown;
}

/** The diff in a few lines of words, for a terminal. */
export function formatKbDiff(d: KbDiff): string[] {
  const lines: string[] = [];
  if (d.addedBuilds.length)
    lines.push(`+${d.addedBuilds.length} builds (${some(d.addedBuilds, (b) => `${b.release} ${b.build}`)})`);
  if (d.changedBuilds.length)
    lines.push(
      `~${d.changedBuilds.length} builds changed (${some(d.changedBuilds, (b) => `${b.build}: ${b.changes?.join('; ')}`)})`,
    );
  if (d.removedBuilds.length)
    lines.push(
      `-${d.removedBuilds.length} builds (${some(d.removedBuilds, (b) => `${b.release} ${b.build}`)})`,
    );
  if (d.addedCves.length)
    lines.push(
      `+${d.addedCves.length} CVEs (${some(d.addedCves, (c) => `${c.cve}, fixed in ${c.fixedIn.join(' / ') || 'no build'}`)})`,
    );
  if (d.changedCves.length)
    lines.push(
      `~${d.changedCves.length} CVEs changed (${some(d.changedCves, (c) => `${c.cve}: ${c.changes?.join('; ')}`)})`,
    );
  if (d.removedCves.length)
    lines.push(`-${d.removedCves.length} CVEs (${some(d.removedCves, (c) => c.cve)})`);
  if (d.kevAdded.length)
    lines.push(
      `KEV: ${some(d.kevAdded, (k) => `${k.cve} added ${k.dateAdded}${k.ransomware ? ' (ransomware use known)' : ''}`)}`,
    );
  if (d.lifecycle.length) lines.push(`lifecycle: ${d.lifecycle.join('; ')}`);
  if (lines.length === 0) lines.push('no differences in builds, CVEs or lifecycle dates');
  return lines;
}
