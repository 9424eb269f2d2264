// Reads and parses every upstream source, each on its own: one source's failure is recorded with
// its name and code and the others are still read, so the user sees every problem at once.
import { readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ManifestSource } from '../manifest.js';
import type { SourcesConfig } from './config.js';
import { SourceError, type Fetched } from './download.js';
import { readSource, type ReadContext } from './read-source.js';
import { parseBuildList, type ParsedBuildList } from './build-list.js';
import { monthOf, parseCvrfIndex, selectDocuments } from './cvrf-index.js';
import { parseCvrf, type CvrfDocument } from './cvrf.js';
import { parseKev, type ParsedKev } from './kev.js';
import { parseLifecyclePage, type LifecycleCycle } from './lifecycle-page.js';
import { parseCssBuilds, type CssBuild } from './css-builds.js';
import { parseCssCves, type CssCveEntry } from './css-cves.js';

export interface SourceFailure {
  source: string;
  code: string;
  message: string;
}

export interface ParsedSources {
  builds: ParsedBuildList | null;
  cvrf: CvrfDocument[];
  kev: ParsedKev | null;
  lifecycle: { cycles: LifecycleCycle[]; skipped: string[] } | null;
  css: CssBuild[] | null;
  cssCves: CssCveEntry[] | null;
  read: ManifestSource[];
  failures: SourceFailure[];
}

/** Documents in a directory of saved files: every name one of the cvrf paths would give. */
function savedDocumentIds(dir: string, cfg: SourcesConfig['sources']): string[] {
  const ids = new Set<string>();
  for (const p of cfg.cvrf.paths) {
    const folder = join(dir, dirname(p));
    if (!existsSync(folder)) continue;
    const [head, tail] = p.slice(dirname(p).length + 1).split('{id}') as [string, string];
    for (const name of readdirSync(folder))
      if (name.startsWith(head) && name.endsWith(tail)) {
        const id = name.slice(head.length, name.length - tail.length);
        if (monthOf(id, cfg.cvrf_index) !== null) ids.add(id);
      }
  }
  return [...ids];
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const work = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, work));
  return out;
}

export async function fetchSources(
  ctx: ReadContext,
  cfg: SourcesConfig['sources'],
  opts: { cvrf?: string[] | undefined } = {},
): Promise<ParsedSources> {
  const out: ParsedSources = {
    builds: null,
    cvrf: [],
    kev: null,
    lifecycle: null,
    css: null,
    cssCves: null,
    read: [],
    failures: [],
  };
  /** Reads one file, parses it, records it in the manifest list; a failure is recorded instead. */
  async function take<T>(
    name: string,
    loc: SourcesConfig['sources'][keyof SourcesConfig['sources']],
    parse: (f: Fetched) => T | Promise<T>,
    describe: (t: T) => { newest: string | null; entries: number },
    id?: string,
  ): Promise<T | null> {
    try {
      const f = await readSource(ctx, loc, id);
      const parsed = await parse(f);
      const d = describe(parsed);
      out.read.push({ name, url: f.url, fetched_at: f.fetchedAt, sha256: f.sha256, bytes: f.bytes, ...d });
      return parsed;
    } catch (err) {
      if (!(err instanceof SourceError)) throw err;
      out.failures.push({ source: name, code: err.code, message: err.message });
      return null;
    }
  }
  const label = (f: Fetched): string => f.url;
  const documents = async (): Promise<string[] | null> => {
    if (opts.cvrf) return selectDocuments(opts.cvrf, cfg.cvrf_index, opts.cvrf);
    if (ctx.origin.kind === 'dir')
      return selectDocuments(savedDocumentIds(ctx.origin.dir, cfg), cfg.cvrf_index);
    const index = await take(
      'cvrf_index',
      cfg.cvrf_index,
      (f) => parseCvrfIndex(f.text, cfg.cvrf_index, label(f)),
      (list) => ({
        newest:
          selectDocuments(
            list.map((e) => e.id),
            cfg.cvrf_index,
          ).pop() ?? null,
        entries: list.length,
      }),
    );
    return (
      index &&
      selectDocuments(
        index.map((e) => e.id),
        cfg.cvrf_index,
      )
    );
  };
  const [builds, kev, lifecycle, css, cssCves, ids] = await Promise.all([
    take(
      'builds',
      cfg.builds,
      (f) => parseBuildList(f.text, cfg.builds, label(f)),
      (p) => {
        const newest = p.rows.reduce((a, b) => (b.date > a.date ? b : a));
        return { newest: `${newest.name} ${newest.build} (${newest.date})`, entries: p.rows.length };
      },
    ),
    take(
      'kev',
      cfg.kev,
      (f) => parseKev(f.text, cfg.kev, label(f)),
      (k) => ({
        newest: `catalog ${k.catalogVersion}${
          k.entries.length
            ? `, newest of ours added ${k.entries
                .map((e) => e.dateAdded)
                .sort()
                .pop()}`
            : ''
        }`,
        entries: k.entries.length,
      }),
    ),
    take(
      'lifecycle',
      cfg.lifecycle,
      (f) => parseLifecyclePage(f.text, cfg.lifecycle, label(f)),
      (l) => ({
        newest:
          l.cycles
            .map((c) => c.latestDate ?? '')
            .sort()
            .pop() || null,
        entries: l.cycles.length,
      }),
    ),
    take(
      'css_builds',
      cfg.css_builds,
      (f) => parseCssBuilds(f.text, cfg.css_builds, label(f)),
      (c) => ({
        newest: null,
        entries: c.length,
      }),
    ),
    take(
      'css_cves',
      cfg.css_cves,
      (f) => parseCssCves(f.text, cfg.css_cves, label(f)),
      (c) => ({ newest: c[c.length - 1]?.update ?? null, entries: c.length }),
    ),
    documents(),
  ]);
  Object.assign(out, { builds, kev, lifecycle, css, cssCves });
  const docs = await mapLimit(ids ?? [], 4, (id) =>
    take(
      `cvrf ${id}`,
      cfg.cvrf,
      (f) => parseCvrf(f.text, cfg.cvrf, label(f)),
      (d) => ({
        newest: d.currentRelease || null,
        entries: d.vulnerabilities.length,
      }),
      id,
    ),
  );
  out.cvrf = docs.filter((d): d is CvrfDocument => d !== null);
  // Sources finish in any order; the manifest lists them in a fixed one.
  const rank = (name: string): number =>
    ['builds', 'cvrf_index', 'cvrf', 'kev', 'lifecycle', 'css_builds', 'css_cves'].indexOf(
      name.split(' ')[0]!,
    );
  const month = (name: string): number => monthOf(name.split(' ')[1] ?? '', cfg.cvrf_index) ?? 0;
  out.read.sort((a, b) => rank(a.name) - rank(b.name) || month(a.name) - month(b.name));
  out.failures.sort((a, b) => rank(a.source) - rank(b.source) || month(a.source) - month(b.source));
  return out;
}
