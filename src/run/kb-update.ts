// Use case `kb update`: read the upstream sources (public URLs, a mirror or a directory of saved
// files), build the KB on the bundled data, cross-check it, compare it with the KB in use, and
// write it as a new version in the user's data dir. Any failure leaves the KB in use as it was.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LookupFunction } from 'node:net';
import { packagePath } from '../core/data-dir.js';
import { DataError } from '../core/errors.js';
import { readAnnotations } from '../kb/annotations.js';
import { chooseKnowledgeBase } from '../kb/in-use.js';
import { bundledDataDir, kbRoot, readCurrentVersion } from '../kb/locations.js';
import { loadKnowledgeBase } from '../kb/load.js';
import { DATA_FILES, kbVersion, sha256, type KbManifest } from '../kb/manifest.js';
import { tablesFromDataFiles } from '../kb/tables.js';
import type { KnowledgeBase } from '../kb/types.js';
import { buildUpdatedKb } from '../kb/update/build-update.js';
import { loadSourcesConfig, type SourcesConfig } from '../kb/update/config.js';
import { diffKnowledgeBases, type KbDiff } from '../kb/update/diff.js';
import { fetchSources, type SourceFailure } from '../kb/update/fetch-sources.js';
import { listKbVersions, setCurrentVersion, writeKbVersion } from '../kb/update/overlay.js';
import type { Origin } from '../kb/update/read-source.js';

export type { Origin } from '../kb/update/read-source.js';

export interface KbUpdateOptions {
  env: NodeJS.ProcessEnv;
  origin: Origin;
  /** Read exactly these CVRF documents (e.g. 2026-Jun) instead of every one from the configured first. */
  cvrf?: string[] | undefined;
  allowRemovals?: boolean;
  /** Build and compare, write nothing. */
  dryRun?: boolean;
  now?: () => Date;
  lookup?: LookupFunction | undefined;
  config?: SourcesConfig;
}

export interface KbUpdateResult {
  /** updated: a new version is current; unchanged: the KB in use already had this content. */
  status: 'updated' | 'unchanged' | 'dry-run' | 'failed' | 'refused';
  version: string | null;
  dir: string | null;
  /** The KB the result was compared with (the one in use before). */
  previous: string;
  diff: KbDiff | null;
  failures: SourceFailure[];
  errors: string[];
  skipped: string[];
  notes: string[];
  /** Set when EXCENSUS_KB pins another KB, so the new one is not used until unpinned. */
  pinned: string | null;
  counts: KbManifest['counts'] | null;
}

function toolVersion(): string {
  const path = packagePath('package.json');
  return path ? (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version : 'unknown';
}

function baseTables(dir: string): {
  tables: ReturnType<typeof tablesFromDataFiles>;
  notes: ReturnType<typeof readAnnotations>;
} {
  const notes = readAnnotations(dir);
  const read = (n: string): never => JSON.parse(readFileSync(join(dir, n), 'utf8')) as never;
  const tables = tablesFromDataFiles(
    { builds: read('builds.json'), lifecycle: read('lifecycle.json'), cves: read('cves.json') },
    { lifecycle: notes.lifecycleNotes, cves: notes.cveNotes },
  );
  return { tables, notes };
}

function counts(kb: KnowledgeBase): KbManifest['counts'] {
  return {
    builds: kb.builds.length,
    products: kb.products.length,
    cves: kb.cves.length,
    kev: kb.cves.filter((c) => c.kev).length,
  };
}

export async function updateKnowledgeBase(opts: KbUpdateOptions): Promise<KbUpdateResult> {
  const now = opts.now ?? (() => new Date());
  const cfg = opts.config ?? loadSourcesConfig();
  const root = kbRoot(opts.env);
  // Compared with what the user judges with unless pinned; a pinned KB is not what an update replaces.
  // A damaged one is compared as the bundled KB, so an update can replace it.
  let previous: KnowledgeBase;
  let damaged: string | null = null;
  try {
    previous = loadKnowledgeBase(chooseKnowledgeBase({ env: { ...opts.env, EXCENSUS_KB: '' } }).dir);
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    damaged = `the KB in use cannot be read (${err.message}); compared with the bundled one instead`;
    previous = loadKnowledgeBase(bundledDataDir());
  }
  const result: KbUpdateResult = {
    status: 'failed',
    version: null,
    dir: null,
    previous: previous.version,
    diff: null,
    failures: [],
    errors: [],
    skipped: [],
    notes: [],
    pinned: opts.env.EXCENSUS_KB || null,
    counts: null,
  };
  const sources = await fetchSources(
    {
      origin: opts.origin,
      timeoutMs: cfg.timeout_seconds * 1000,
      userAgent: cfg.user_agent,
      lookup: opts.lookup,
      now,
    },
    cfg.sources,
    { cvrf: opts.cvrf },
  );
  result.failures = sources.failures;
  if (sources.failures.length) return result;

  const bundled = bundledDataDir();
  const base = baseTables(bundled);
  const built = buildUpdatedKb(base.tables, base.notes, sources, cfg.sources);
  Object.assign(result, {
    skipped: built.skipped,
    notes: damaged ? [damaged, ...built.notes] : built.notes,
    errors: built.errors,
  });
  const kb = built.assembled.kb;
  if (built.errors.length || !kb) {
    result.status = 'refused';
    return result;
  }
  const files = built.assembled.files;
  const version = kbVersion(kb.dataDate, files);
  const next = { ...kb, version };
  result.version = version;
  result.counts = counts(kb);
  result.diff = diffKnowledgeBases(previous, next);
  if (result.diff.removals.length && !opts.allowRemovals) {
    result.status = 'refused';
    result.errors.push(
      `the sources would remove what the KB in use (${previous.version}) knows: ${result.diff.removals.slice(0, 10).join('; ')}${result.diff.removals.length > 10 ? `; and ${result.diff.removals.length - 10} more` : ''}. Run again with --allow-removals to accept`,
    );
    return result;
  }
  if (opts.dryRun) {
    result.status = 'dry-run';
    return result;
  }
  const stamp = now().toISOString();
  let existing: KbManifest | null | undefined;
  try {
    existing = listKbVersions(root).find((v) => v.version === version)?.manifest;
  } catch (err) {
    result.errors.push(`cannot read the knowledge bases under ${root}: ${(err as Error).message}`);
    return result;
  }
  const manifest: KbManifest = {
    schema_version: 1,
    version,
    data_date: kb.dataDate,
    created_at: existing?.created_at ?? stamp,
    checked_at: stamp,
    tool_version: toolVersion(),
    base_version: loadKnowledgeBase(bundled).version,
    files: Object.fromEntries(
      DATA_FILES.map((n) => [n, { sha256: sha256(files[n]), bytes: Buffer.byteLength(files[n]) }]),
    ),
    counts: result.counts,
    sources: sources.read,
    notes: built.notes,
  };
  let written: { dir: string; created: boolean };
  let wasCurrent: boolean;
  try {
    wasCurrent = readCurrentVersion(root) === version;
    written = writeKbVersion(root, files, manifest);
    setCurrentVersion(root, version);
  } catch (err) {
    result.errors.push(`cannot write the knowledge base under ${root}: ${(err as Error).message}`);
    return result;
  }
  result.dir = written.dir;
  result.status = written.created || !wasCurrent ? 'updated' : 'unchanged';
  return result;
}
