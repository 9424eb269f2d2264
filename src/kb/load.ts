// Reads and validates data/*.json once per directory, then builds the lookup indexes.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { dataPath } from '../core/data-dir.js';
import type { z } from 'zod';
import { DataError } from '../core/errors.js';
import { buildsFileSchema, cvesFileSchema, lifecycleFileSchema } from './schema.js';
import { splitVersion } from './version.js';
import type { BuildLine, CveRecord, KbRow, KnowledgeBase, ProductInfo } from './types.js';
import { indexLines, indexMinorGroups } from './indexes.js';

const cache = new Map<string, KnowledgeBase>();

/** data/ beside the package, from src/kb or dist/src/kb. */
export function defaultDataDir(): string {
  return dirname(dataPath('builds.json'));
}

function readValidated<T>(dir: string, name: string, schema: z.ZodType<T>): T {
  const path = join(dir, name);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new DataError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new DataError(
      `${path} is invalid at ${first?.path.join('.') ?? '?'}: ${first?.message ?? r.error.message}`,
    );
  }
  return r.data;
}

function parts(build: string): number[] {
  const p = splitVersion(build);
  if (!p) throw new DataError(`not a build: ${build}`);
  return p;
}

export function loadKnowledgeBase(dataDir?: string): KnowledgeBase {
  const dir = resolve(dataDir ?? defaultDataDir());
  const hit = cache.get(dir);
  if (hit) return hit;
  const buildsFile = readValidated(dir, 'builds.json', buildsFileSchema);
  const lifeFile = readValidated(dir, 'lifecycle.json', lifecycleFileSchema);
  const cveFile = readValidated(dir, 'cves.json', cvesFileSchema);

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
  };
  cache.set(dir, kb);
  return kb;
}
