// Use case `kb status`: which knowledge base is in use (bundled or updated, pinned or not), its
// version, dates and age against the last Patch Tuesday, what it was built from, and the versions
// kept in the user's data dir.
import { chooseKnowledgeBase } from '../kb/in-use.js';
import { bundledDataDir, kbRoot, readCurrentVersion } from '../kb/locations.js';
import { loadKnowledgeBase } from '../kb/load.js';
import type { ManifestSource } from '../kb/manifest.js';
import { kbStaleness } from '../kb/staleness.js';
import { listKbVersions } from '../kb/update/overlay.js';

export interface KbStatusReport {
  version: string;
  origin: 'bundled' | 'updated' | 'directory';
  chosenBy: 'pin' | 'current' | 'bundled';
  dir: string;
  dataDate: string;
  date: string;
  ageDays: number;
  lastPatchTuesday: string;
  stale: boolean;
  note: string | null;
  counts: { builds: number; products: number; cves: number; kev: number };
  sources: ManifestSource[];
  bundledVersion: string;
  versions: { version: string; createdAt: string | null; checkedAt: string | null; current: boolean }[];
}

export function kbStatus(opts: {
  env: NodeJS.ProcessEnv;
  pin?: string | undefined;
  today: string;
}): KbStatusReport {
  const choice = chooseKnowledgeBase({ env: opts.env, pin: opts.pin });
  const kb = loadKnowledgeBase(choice.dir);
  const s = kbStaleness(kb.date, opts.today);
  const root = kbRoot(opts.env);
  const current = readCurrentVersion(root);
  return {
    version: kb.version,
    origin: kb.origin,
    chosenBy: choice.by,
    dir: kb.dataDir,
    dataDate: kb.dataDate,
    date: kb.date,
    ageDays: s.ageDays,
    lastPatchTuesday: s.lastPatchTuesday,
    stale: s.stale,
    note: choice.note ?? null,
    counts: {
      builds: kb.builds.length,
      products: kb.products.length,
      cves: kb.cves.length,
      kev: kb.cves.filter((c) => c.kev).length,
    },
    sources: kb.manifest?.sources ?? [],
    bundledVersion: loadKnowledgeBase(bundledDataDir()).version,
    versions: listKbVersions(root).map((v) => ({
      version: v.version,
      createdAt: v.manifest?.created_at ?? null,
      checkedAt: v.manifest?.checked_at ?? null,
      current: v.version === current,
    })),
  };
}

export function formatKbStatus(r: KbStatusReport): string[] {
  const how = {
    pin: 'pinned (--kb / EXCENSUS_KB)',
    current: 'the current update',
    bundled: 'shipped with this version',
  }[r.chosenBy];
  const lines = [
    `knowledge base: ${r.version} (${r.origin}; ${how})`,
    `  directory:    ${r.dir}`,
    `  data up to:   ${r.dataDate}; current as of ${r.date} (${r.ageDays} days ago)`,
    `  last Patch Tuesday: ${r.lastPatchTuesday}${r.stale ? ' -- this KB predates it: run `excensus kb update`' : ''}`,
    `  holds:        ${r.counts.builds} builds, ${r.counts.products} products, ${r.counts.cves} CVEs (${r.counts.kev} in KEV)`,
  ];
  if (r.note) lines.push(`  note:         ${r.note}`);
  if (r.sources.length) {
    lines.push('  sources:');
    for (const s of r.sources)
      lines.push(`    ${s.name.padEnd(14)} ${s.fetched_at.slice(0, 19)}Z  ${s.newest ?? '-'}  (${s.url})`);
  }
  if (r.versions.length) {
    lines.push('  updated versions kept:');
    for (const v of r.versions)
      lines.push(
        `    ${v.current ? '*' : ' '} ${v.version}  made ${v.createdAt?.slice(0, 10) ?? '?'}, checked ${v.checkedAt?.slice(0, 10) ?? '?'}`,
      );
  }
  lines.push(`  bundled:      ${r.bundledVersion}`);
  return lines;
}
