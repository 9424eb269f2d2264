// MSRC CVRF vulnerabilities -> our CVEs with their fixing builds. MSRC names a product ("... 2019
// Cumulative Update 14") and the KB that fixes it, and in newer documents the fixed build; the
// build list turns a KB on a product's release level into the build. A fix on a product we cannot
// place is reported and skipped.
import { compareVersions, formatVersion, lineKey, splitVersion } from '../version.js';
import type { BuildListRow } from './build-list.js';
import type { SourcesConfig } from './config.js';
import type { CvrfDocument } from './cvrf.js';

type Config = SourcesConfig['sources']['cvrf'];

export interface SourceCve {
  cve: string;
  document: string;
  published: string | null;
  cvss: number | null;
  products: string[];
  /** Fixing build per line (first three parts). */
  fixes: Map<string, string>;
}

/** "Microsoft Exchange Server 2019 Cumulative Update 14" -> product and level; a string says why not. */
export function placeProduct(name: string, cfg: Config): { product: string; level: string } | string {
  const prefix = Object.keys(cfg.products)
    .filter((p) => name === p || name.startsWith(`${p} `))
    .sort((a, b) => b.length - a.length)[0];
  if (prefix === undefined) return `unknown product "${name}"`;
  const rest = name.slice(prefix.length).trim();
  for (const l of cfg.levels) {
    const m = new RegExp(l.pattern).exec(rest);
    if (m)
      return {
        product: cfg.products[prefix]!,
        level: l.level.replace(/\$(\d)/g, (_, i: string) => m[Number(i)] ?? ''),
      };
  }
  return `unknown release "${rest}" of ${cfg.products[prefix]} in "${name}"`;
}

export function cvesFromDocument(
  doc: CvrfDocument,
  cfg: Config,
  list: BuildListRow[],
): { cves: SourceCve[]; skipped: string[]; notes: string[] } {
  const family = new RegExp(cfg.family_pattern);
  const byKb = new Map<string, BuildListRow[]>();
  for (const r of list) if (r.kb) byKb.set(r.kb, [...(byKb.get(r.kb) ?? []), r]);
  const levels = new Set(list.map((r) => `${r.product}|${r.level}`));
  const skipped: string[] = [];
  const notes: string[] = [];
  const cves: SourceCve[] = [];
  for (const v of doc.vulnerabilities) {
    const ours = [...v.affected, ...v.fixes.flatMap((f) => f.productIds)].filter((id) =>
      family.test(doc.products.get(id) ?? ''),
    );
    if (ours.length === 0) continue;
    const at = `${doc.id} ${v.cve}`;
    const products = new Set<string>();
    for (const id of new Set(ours)) {
      const placed = placeProduct(doc.products.get(id)!, cfg);
      if (typeof placed === 'string') skipped.push(`${at}: ${placed}; its fixes are skipped`);
      else products.add(placed.product);
    }
    const fixes = new Map<string, string>();
    const addFix = (build: string): void => {
      const line = lineKey(splitVersion(build)!);
      const had = fixes.get(line);
      if (had && had !== build)
        notes.push(`${at}: two fixes on line ${line} (${had}, ${build}); kept ${had}`);
      else if (!had) fixes.set(line, build);
    };
    for (const f of v.fixes) {
      for (const id of f.productIds) {
        const name = doc.products.get(id);
        if (name === undefined || !family.test(name)) continue;
        const placed = placeProduct(name, cfg);
        if (typeof placed === 'string') continue; // reported above
        const where = `${placed.product} ${placed.level}`;
        if (!levels.has(`${placed.product}|${placed.level}`)) {
          skipped.push(`${at}: the build list has no release ${where}; fix KB${f.kb ?? '?'} skipped`);
          continue;
        }
        const candidates = (f.kb ? (byKb.get(f.kb) ?? []) : []).filter(
          (r) => r.product === placed.product && r.level === placed.level,
        );
        const fixed = f.fixedBuild ? splitVersion(f.fixedBuild) : null;
        if (f.fixedBuild && !fixed) {
          skipped.push(`${at}: fixed build "${f.fixedBuild}" for ${where} is not a build; skipped`);
          continue;
        }
        if (fixed) {
          const build = formatVersion(fixed);
          const listed = candidates.find((c) => c.build === build);
          if (candidates.length && !listed)
            notes.push(
              `${at}: MSRC names ${build} for ${where}, the build list gives KB${f.kb} as ${candidates.map((c) => c.build).join(', ')}`,
            );
          addFix(build);
          continue;
        }
        if (candidates.length === 0) {
          skipped.push(`${at}: no build in the build list for KB${f.kb ?? '?'} on ${where}; skipped`);
          continue;
        }
        addFix(candidates.reduce((a, b) => (compareVersions(a.parts, b.parts) <= 0 ? a : b)).build);
      }
    }
    cves.push({
      cve: v.cve,
      document: doc.id,
      published: v.published,
      cvss: v.cvss,
      products: [...products].sort(),
      fixes,
    });
  }
  return { cves, skipped, notes };
}
