// Reads CSS-Exchange HealthChecker's SU -> CVE table (`$suNameDictionary`: an SU name, the CVEs it
// fixes, the products they apply to) and checks the CVE table against it. A cross-check only: it
// reports, it never changes the KB, and it is no complete CVE list (CVEs needing other checks are
// left out of it on purpose).
import type { CveTableRow } from '../tables.js';
import { compareVersions, lineKey, splitVersion } from '../version.js';
import type { SourcesConfig } from './config.js';
import type { CssBuild } from './css-builds.js';
import { SourceError } from './download.js';
import { looksLikeHtml } from './read-source.js';

type Config = SourcesConfig['sources']['css_cves'];

export interface CssCveEntry {
  update: string;
  cves: string[];
  products: string[];
}

const VARIABLE = /^\s*\$(\w+)\s*=\s*(@\([^)]*\)|"[^"]*")\s*$/;
const ENTRY = /^\s*"(\w+)"\s*=\s*(.+)$/;
const GROUP = /NewCveEntry\s+(@\([^)]*\)|\(\s*"[^"]*"\s*\)|"[^"]*")\s+(@\([^)]*\)|\$\w+)/g;

function strings(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
}

export function parseCssCves(text: string, cfg: Config, label: string): CssCveEntry[] {
  if (looksLikeHtml(text)) throw new SourceError('E_HTML', `${label}: an HTML page, not the script`);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const start = lines.findIndex((l) => l.includes(`$${cfg.dictionary_variable} = @{`));
  if (start < 0) throw new SourceError('E_FORMAT', `${label}: no $${cfg.dictionary_variable} table`);
  const variables = new Map<string, string[]>();
  for (const l of lines.slice(0, start)) {
    const v = VARIABLE.exec(l);
    if (v) variables.set(v[1]!, strings(v[2]!));
  }
  const out: CssCveEntry[] = [];
  for (const l of lines.slice(start + 1)) {
    if (/^\s*}\s*$/.test(l)) break;
    const e = ENTRY.exec(l);
    if (!e) continue;
    for (const g of e[2]!.matchAll(GROUP)) {
      const keys = g[2]!.startsWith('$')
        ? (variables.get(g[2]!.slice(1)) ?? [])
        : g[2]!.split(',').flatMap((p) => {
            const name = p.replace(/[@()\s]/g, '');
            return name.startsWith('$') ? (variables.get(name.slice(1)) ?? []) : strings(p);
          });
      const products = keys.map((k) => cfg.products[k]).filter((p): p is string => p !== undefined);
      out.push({ update: e[1]!, cves: strings(g[1]!).filter((c) => /^CVE-/.test(c)), products });
    }
  }
  if (out.length === 0)
    throw new SourceError('E_FORMAT', `${label}: no entries in $${cfg.dictionary_variable}`);
  return out;
}

/**
 * Where CSS-Exchange says an SU fixes a CVE on a CU line, the table's first fix on that line should
 * be that SU's build or an earlier one.
 */
export function crossCheckCssCves(cves: CveTableRow[], entries: CssCveEntry[], builds: CssBuild[]): string[] {
  const byCve = new Map(cves.map((c) => [c.cve, c]));
  const unknown = new Set<string>();
  // One line per SU and CVE: the lines the table has no fix on, and those where its fix is later.
  const missing = new Map<string, string[]>();
  const later = new Map<string, string[]>();
  const add = (m: Map<string, string[]>, key: string, what: string): void => {
    m.set(key, [...(m.get(key) ?? []), what]);
  };
  for (const e of entries)
    for (const cve of e.cves) {
      const row = byCve.get(cve);
      if (!row) {
        unknown.add(cve);
        continue;
      }
      for (const b of builds.filter((x) => x.update === e.update && e.products.includes(x.product))) {
        const parts = splitVersion(b.build)!;
        const line = lineKey(parts);
        const fix = row.fixedIn.find((f) => lineKey(splitVersion(f)!) === line);
        const key = `${e.update} fixes ${cve}`;
        if (fix === undefined) add(missing, key, `${b.product} ${b.cu} ${b.build}`);
        else if (compareVersions(splitVersion(fix)!, parts) > 0) add(later, key, `${b.build} before ${fix}`);
      }
    }
  const notes: string[] = [];
  for (const [key, where] of missing)
    notes.push(
      `CSS-Exchange: ${key} also on ${where.length} line(s) the table has no fix on (${where.join(', ')})`,
    );
  for (const [key, where] of later)
    notes.push(`CSS-Exchange: ${key} earlier than the table's first fix (${where.join(', ')})`);
  if (unknown.size)
    notes.push(
      `CSS-Exchange's SU table names ${unknown.size} CVEs the table lacks (e.g. ${[...unknown].slice(0, 3).join(', ')})`,
    );
  return notes;
}
