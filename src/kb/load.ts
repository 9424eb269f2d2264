// Reads and validates a knowledge base's data files once per directory, then builds the lookup
// indexes. Without a directory it loads the KB in use: the one given to useKnowledgeBase (the CLI
// chooses per command, in-use.ts), else the bundled one.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { holdsForTheseSchemas, isChecked, listsDigest, readCheckedRecord } from '../core/checked-data.js';
import { DataError } from '../core/errors.js';
import { splitVersion } from './version.js';
import type { BuildLine, CveRecord, KbRow, KnowledgeBase, ProductInfo } from './types.js';
import { indexLines, indexMinorGroups } from './indexes.js';
import {
  CHECKED_NAME,
  DATA_FILES,
  MANIFEST_NAME,
  kbVersion,
  sha256,
  type DataFileName,
  type KbManifest,
} from './manifest.js';
import { bundledDataDir } from './locations.js';

// The schemas (and the schema library) are loaded only for text that was not checked before
// (core/checked-data.ts): the bundled files were, and so were the files of a KB `kb update`
// installed while they still match its record (CHECKED_NAME) and the record names the schemas of
// this package (a KB installed by a version whose schemas differ is validated again), so most
// commands never load them.
const requireHere = createRequire(import.meta.url);
let schemaModule: typeof import('./schema.js') | undefined;
const schemas = (): typeof import('./schema.js') =>
  (schemaModule ??= requireHere('./schema.js') as typeof import('./schema.js'));
const manifestSchema = (): typeof import('./manifest-schema.js').manifestSchema =>
  (requireHere('./manifest-schema.js') as typeof import('./manifest-schema.js')).manifestSchema;

export type KbFiles = Record<(typeof DATA_FILES)[number], string>;

const cache = new Map<string, { kb: KnowledgeBase; manifestText: string | null }>();

/** data/ beside the package, from src/kb or dist/src/kb. */
export function defaultDataDir(): string {
  return bundledDataDir();
}

let inUse: string | null = null;

/** Sets the KB that loadKnowledgeBase() without a directory loads, for the rest of this thread. */
export function useKnowledgeBase(dir: string | null): void {
  inUse = dir;
}

/** The directory loadKnowledgeBase() loads without an argument. */
export function knowledgeBaseDirInUse(): string {
  return inUse ?? bundledDataDir();
}

/**
 * The file's text parsed and validated by `schema`. Text the schema accepted before (`checked`,
 * core/checked-data.ts) is only parsed: it validates to its own parse.
 */
function validated<T>(where: string, text: string, schema: () => z.ZodType<T>, checked = false): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DataError(`cannot read ${where}: ${(err as Error).message}`, { cause: err });
  }
  if (checked) return raw as T;
  const r = schema().safeParse(raw);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new DataError(
      `${where} is invalid at ${first?.path.join('.') ?? '?'}: ${first?.message ?? r.error.message}`,
    );
  }
  return r.data;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new DataError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

function parts(build: string): number[] {
  const p = splitVersion(build);
  if (!p) throw new DataError(`not a build: ${build}`);
  return p;
}

/** Newest date the data holds: a build's release, a CVE's publication, a KEV addition. */
function newestDate(builds: KbRow[], cves: CveRecord[]): string {
  let d = '';
  for (const b of builds) if (b.date > d) d = b.date;
  for (const c of cves) {
    if (c.published > d) d = c.published;
    if (c.kevDateAdded && c.kevDateAdded > d) d = c.kevDateAdded;
  }
  return d;
}

/**
 * Loads a knowledge base directory: the three data files and, for an updated KB, its manifest,
 * whose digests must match the files (a damaged copy is refused, never half used).
 */
export function loadKnowledgeBase(dataDir?: string): KnowledgeBase {
  const dir = resolve(dataDir ?? knowledgeBaseDirInUse());
  const manifestPath = join(dir, MANIFEST_NAME);
  const manifestText = existsSync(manifestPath) ? readText(manifestPath) : null;
  const hit = cache.get(dir);
  if (hit && hit.manifestText === manifestText) return hit.kb;
  const files = Object.fromEntries(DATA_FILES.map((n) => [n, readText(join(dir, n))])) as KbFiles;
  let manifest: KbManifest | null = null;
  let installed: (name: DataFileName) => boolean = () => false;
  if (manifestText !== null) {
    // what `kb update` validated when it installed this KB, with the schemas in use now; any
    // other text, or a record of other schemas (an older or newer excensus's), is validated here
    const record = readCheckedRecord(join(dir, CHECKED_NAME));
    const recorded =
      holdsForTheseSchemas(record) && listsDigest(record.files, MANIFEST_NAME, sha256(manifestText));
    manifest = validated(manifestPath, manifestText, manifestSchema, recorded);
    const digests = new Map<DataFileName, string>();
    for (const name of DATA_FILES) {
      const digest = sha256(files[name]);
      if (manifest.files[name]?.sha256 !== digest)
        throw new DataError(`${join(dir, name)} does not match its manifest: the knowledge base is damaged`);
      digests.set(name, digest);
    }
    if (recorded) installed = (name) => listsDigest(record.files, name, digests.get(name)!);
  }
  const kb = knowledgeBaseFromFiles(files, dir, manifest, installed);
  cache.set(dir, { kb, manifestText });
  return kb;
}

/**
 * Validates and indexes data files held in memory (`where` names them in errors). A file whose
 * text was checked before (`checked`, or the bundled list) is not validated again.
 */
export function knowledgeBaseFromFiles(
  files: KbFiles,
  where: string,
  manifest: KbManifest | null = null,
  checked: (name: DataFileName) => boolean = () => false,
): KnowledgeBase {
  const dir = where;
  const file = <T>(name: DataFileName, schema: () => z.ZodType<T>): T =>
    validated(join(dir, name), files[name], schema, checked(name) || isChecked(name, files[name]));
  const buildsFile = file('builds.json', () => schemas().buildsFileSchema);
  const lifeFile = file('lifecycle.json', () => schemas().lifecycleFileSchema);
  const cveFile = file('cves.json', () => schemas().cvesFileSchema);

  const builds: KbRow[] = buildsFile.builds.map((b) => ({
    product: b.product,
    release: b.release,
    build: b.build,
    buildShort: b.build_short,
    date: b.date,
    kind: b.kind,
    ...(b.note ? { note: b.note } : {}),
    ...(b.also_reported_as ? { alsoReportedAs: b.also_reported_as } : {}),
    parts: parts(b.build),
  }));
  const byBuild = new Map<string, KbRow>();
  const byAlias = new Map<string, KbRow>();
  for (const row of builds) {
    const key = row.parts.join('.');
    if (byBuild.has(key)) throw new DataError(`builds.json: duplicate build ${row.build}`);
    byBuild.set(key, row);
  }
  for (const row of builds) {
    for (const alias of row.alsoReportedAs ?? []) {
      const key = parts(alias).join('.');
      if (byBuild.has(key) || byAlias.has(key))
        throw new DataError(`builds.json: alias ${alias} collides with another build`);
      byAlias.set(key, row);
    }
  }
  const lines: Map<string, BuildLine> = indexLines(builds);
  const products: ProductInfo[] = lifeFile.products.map((p) => ({
    product: p.product,
    releaseDate: p.release_date,
    mainstreamEnd: p.mainstream_end,
    extendedEnd: p.extended_end,
    extendedEndApproximate: p.extended_end_approximate ?? false,
    policy: p.policy,
    onPremises: p.on_premises,
    ...(p.version_range
      ? { versionRange: { major: p.version_range.major, minorFrom: p.version_range.minor_from } }
      : {}),
    ...(p.note ? { note: p.note } : {}),
    majors: [...new Set(builds.filter((b) => b.product === p.product).map((b) => b.parts[0] ?? 0))],
  }));
  const productByName = new Map(products.map((p) => [p.product, p]));
  for (const b of builds)
    if (!productByName.has(b.product))
      throw new DataError(`builds.json: product "${b.product}" has no lifecycle entry`);

  const cves: CveRecord[] = cveFile.cves.map((c) => ({
    cve: c.cve,
    family: c.family,
    cvss: c.cvss,
    severity: c.severity,
    published: c.published,
    kev: c.kev,
    kevDateAdded: c.kev_date_added,
    ...(c.kev_ransomware !== undefined ? { kevRansomware: c.kev_ransomware } : {}),
    products: c.products,
    configOnly: c.config_only ?? [],
    ...(c.note ? { note: c.note } : {}),
    fixedIn: c.fixed_in.map((f) => ({
      build: f.build,
      parts: parts(f.build),
      inTable: f.in_table,
      ...(f.explanation ? { explanation: f.explanation } : {}),
      date: byBuild.get(parts(f.build).join('.'))?.date ?? c.published,
    })),
  }));
  const kb: KnowledgeBase = {
    builds,
    products,
    cves,
    families: cveFile.families,
    byBuild,
    byAlias,
    lines,
    minorGroups: indexMinorGroups(lines),
    productByName,
    dataDir: dir,
    origin: manifest ? 'updated' : resolve(dir) === resolve(bundledDataDir()) ? 'bundled' : 'directory',
    version: manifest?.version ?? kbVersion(newestDate(builds, cves), files),
    dataDate: newestDate(builds, cves),
    date: (manifest?.checked_at ?? newestDate(builds, cves)).slice(0, 10),
    manifest,
  };
  return kb;
}
