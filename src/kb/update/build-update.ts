// Base tables + parsed sources -> the updated KB's files, checked. Pure: the same bundled data and
// the same source files give the same bytes, whoever runs it and whenever.
import type { Annotations } from '../annotations.js';
import type { GeneratedHeader } from '../generate.js';
import type { KbTables } from '../tables.js';
import { formatVersion, splitVersion } from '../version.js';
import { assembleKnowledgeBase, type Assembled } from './assemble.js';
import type { SourcesConfig } from './config.js';
import { crossCheckCss, crossCheckLatest } from './cross-sources.js';
import { crossCheckCssCves } from './css-cves.js';
import { cvesFromDocument, type SourceCve } from './cvrf-fixes.js';
import type { ParsedSources } from './fetch-sources.js';
import { mergeBuilds } from './merge-builds.js';
import { mergeCves } from './merge-cves.js';
import { mergeLifecycle } from './merge-lifecycle.js';

export const UPDATE_HEADER: GeneratedHeader = {
  generatedBy: 'excensus kb update',
  about:
    'Generated file: do not edit. Made by `excensus kb update` from the bundled data and the upstream sources named in manifest.json beside it.',
  sources: {
    builds: 'bundled builds.json + Microsoft build list',
    lifecycle: 'bundled lifecycle.json + endoflife.date',
    cves: 'bundled cves.json + MSRC CVRF + CISA KEV',
  },
};

export interface BuiltUpdate {
  assembled: Assembled;
  /** Rows and entries reported and left out. */
  skipped: string[];
  /** Disagreements between sources, reported and settled. */
  notes: string[];
  /** Reasons to refuse the whole update (the assembled checks' included). */
  errors: string[];
}

export function buildUpdatedKb(
  base: KbTables,
  annotations: Annotations,
  sources: ParsedSources,
  cfg: SourcesConfig['sources'],
): BuiltUpdate {
  const skipped: string[] = [];
  const notes: string[] = [];
  const errors: string[] = [];
  const list = sources.builds?.rows ?? [];
  skipped.push(...(sources.builds?.skipped ?? []));
  notes.push(...(sources.builds?.notes ?? []));
  const builds = mergeBuilds(base.builds, list, annotations.buildNotes);
  notes.push(...builds.notes);
  const lifecycle = sources.lifecycle
    ? mergeLifecycle(base.lifecycle, sources.lifecycle.cycles)
    : { rows: base.lifecycle, notes: [] };
  notes.push(...lifecycle.notes);
  skipped.push(...(sources.lifecycle?.skipped ?? []));

  const fromMsrc: SourceCve[] = [];
  for (const doc of sources.cvrf) {
    const r = cvesFromDocument(doc, cfg.cvrf, list);
    fromMsrc.push(...r.cves);
    skipped.push(...r.skipped);
    notes.push(...r.notes);
  }
  const known = new Set(builds.rows.map((r) => formatVersion(splitVersion(r.build)!)));
  const cves = mergeCves(base.cves, fromMsrc, sources.kev?.entries ?? null, annotations.cveNotes, known);
  skipped.push(...cves.skipped);
  notes.push(...cves.notes);
  errors.push(...cves.errors);

  if (sources.css) notes.push(...crossCheckCss(builds.rows, sources.css));
  if (sources.lifecycle) notes.push(...crossCheckLatest(builds.rows, sources.lifecycle.cycles));
  if (sources.cssCves && sources.css)
    notes.push(...crossCheckCssCves(cves.rows, sources.cssCves, sources.css));

  const assembled = assembleKnowledgeBase(
    {
      tables: { builds: builds.rows, lifecycle: lifecycle.rows, cves: cves.rows },
      ...annotations,
      header: UPDATE_HEADER,
    },
    '(updated KB)',
  );
  errors.push(...assembled.errors);
  return { assembled, skipped, notes, errors };
}
