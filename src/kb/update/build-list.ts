// Parses Microsoft's build list CSV (one row per build: name, build, US date, KB, blog link) into
// rows the merge understands. A file the parser does not understand is refused whole (SourceError);
// a row it cannot read is reported with its line number and skipped.
import { parseCsvRows } from '../csv.js';
import { formatVersion, splitVersion } from '../version.js';
import type { SourcesConfig } from './config.js';
import { SourceError } from './download.js';
import { looksLikeHtml } from './read-source.js';

type Config = SourcesConfig['sources']['builds'];

export interface BuildListRow {
  line: number;
  /** The name as the list prints it. */
  name: string;
  /** Our product name. */
  product: string;
  /** RTM, CUn or SPn: with the product, the release line the build belongs to. */
  level: string;
  /** Our release name for the build. */
  release: string;
  kind: string;
  build: string;
  parts: number[];
  date: string;
  kb: string | null;
}

export interface ParsedBuildList {
  rows: BuildListRow[];
  /** Rows reported and left out, each with its line. */
  skipped: string[];
  /** Rows kept with something worth saying. */
  notes: string[];
}

/** M/D/YYYY (zero padding optional) -> YYYY-MM-DD, or null when not a real date. */
export function usDate(text: string): string | null {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (!m) return null;
  const iso = `${m[3]}-${m[1]!.padStart(2, '0')}-${m[2]!.padStart(2, '0')}`;
  const t = Date.parse(`${iso}T00:00:00Z`);
  return Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== iso ? null : iso;
}

/** Splits a printed name into product, level and update; a string says why it cannot. */
export function parseBuildName(
  name: string,
  cfg: Config,
): { product: string; level: string; release: string; kind: string } | string {
  const prefix = Object.keys(cfg.products)
    .filter((p) => name === p || name.startsWith(`${p} `))
    .sort((a, b) => b.length - a.length)[0];
  if (prefix === undefined) return `unknown product in "${name}"`;
  const words = name.slice(prefix.length).trim().split(/\s+/).filter(Boolean);
  // No level word (2007 and 2010 rollups of the first release, previews): the first release.
  const level =
    words[0] !== undefined && new RegExp(cfg.level).test(words[0]) ? words.shift()! : cfg.default_level;
  if (words[0] !== undefined && new RegExp(cfg.tag).test(words[0])) words.shift();
  let update = words.shift();
  if (words.length) return `unexpected words "${words.join(' ')}" in "${name}"`;
  if (update !== undefined && cfg.base_updates.includes(update)) update = undefined;
  const token = update ?? level;
  const kind = cfg.kinds.find((k) => new RegExp(k.pattern).test(token))?.kind;
  if (kind === undefined) return `unknown kind of update "${token}" in "${name}"`;
  const product = cfg.products[prefix]!;
  return { product, level, release: `${product}${name.slice(prefix.length)}`, kind };
}

export function parseBuildList(text: string, cfg: Config, label: string): ParsedBuildList {
  if (looksLikeHtml(text)) throw new SourceError('E_HTML', `${label}: an HTML page, not the CSV build list`);
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new SourceError('E_FORMAT', `${label}: empty`);
  if (!/[\r\n]$/.test(body))
    throw new SourceError('E_FORMAT', `${label}: truncated (the last line has no line end)`);
  const { rows, unterminated } = parseCsvRows(body);
  if (unterminated) throw new SourceError('E_FORMAT', `${label}: truncated inside a quoted field`);
  const [header, ...records] = rows;
  const expected = Object.values(cfg.columns);
  const columns = header?.fields.map((f) => f.trim()) ?? [];
  const unknown = columns.filter((c) => !expected.includes(c));
  if (unknown.length)
    throw new SourceError(
      'E_NEWER_FORMAT',
      `${label}: columns this version does not know (${unknown.join(', ')}); refused until data/kb-sources.json and the parser know them`,
    );
  const missing = expected.filter((c) => !columns.includes(c));
  if (missing.length) throw new SourceError('E_FORMAT', `${label}: missing columns ${missing.join(', ')}`);
  const col = (name: keyof Config['columns']): number => columns.indexOf(cfg.columns[name]);

  const out: ParsedBuildList = { rows: [], skipped: [], notes: [] };
  for (const r of records) {
    const at = `${label} line ${r.line}`;
    if (r.fields.length !== columns.length) {
      out.skipped.push(`${at}: ${r.fields.length} fields where the header has ${columns.length}; skipped`);
      continue;
    }
    const get = (name: keyof Config['columns']): string => (r.fields[col(name)] ?? '').trim();
    const named = parseBuildName(get('name'), cfg);
    if (typeof named === 'string') {
      out.skipped.push(`${at}: ${named}; skipped`);
      continue;
    }
    const parts = splitVersion(get('build'));
    if (!parts || parts.length < 3) {
      out.skipped.push(`${at}: "${get('build')}" is not a build; skipped`);
      continue;
    }
    const date = usDate(get('date'));
    if (date === null) {
      out.skipped.push(`${at}: "${get('date')}" is not a date M/D/YYYY; skipped`);
      continue;
    }
    const kbText = get('kb');
    const kbMatch = new RegExp(cfg.kb_pattern).exec(kbText);
    if (kbText !== '' && !kbMatch) out.notes.push(`${at}: "${kbText}" is not a KB number; kept without one`);
    out.rows.push({
      line: r.line,
      name: get('name'),
      ...named,
      build: formatVersion(parts),
      parts,
      date,
      kb: kbMatch?.[1] ?? null,
    });
  }
  if (out.rows.length === 0) throw new SourceError('E_FORMAT', `${label}: no readable rows`);
  return dropConflictingDuplicates(out);
}

/** The same build twice: once is enough when the dates agree; with different dates neither row is trusted. */
function dropConflictingDuplicates(list: ParsedBuildList): ParsedBuildList {
  const byBuild = new Map<string, BuildListRow[]>();
  for (const r of list.rows) byBuild.set(r.build, [...(byBuild.get(r.build) ?? []), r]);
  const rows: BuildListRow[] = [];
  for (const [build, same] of byBuild) {
    const dates = new Set(same.map((r) => r.date));
    const lines = same.map((r) => r.line).join(', ');
    if (dates.size > 1) {
      list.skipped.push(
        `${build} is listed ${same.length} times with different dates (${[...dates].join(', ')}; lines ${lines}); skipped`,
      );
      continue;
    }
    if (same.length > 1)
      list.notes.push(`${build} is listed ${same.length} times (lines ${lines}); kept once`);
    rows.push(same[0]!);
  }
  return { ...list, rows };
}
