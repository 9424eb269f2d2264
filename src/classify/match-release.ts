// Which table release a build is, or the nearest one it is at least, with a note whenever approximate.
import {
  compareVersions,
  formatVersion,
  lineOf,
  linesOfProduct,
  type BuildLine,
  type KbRow,
  type KnowledgeBase,
} from '../kb/index.js';
import type { ParsedBuild } from './parse-build.js';

export interface ReleaseMatch {
  row: KbRow | null;
  exact: boolean;
  line?: BuildLine;
  note?: string;
}

const rev = (r: KbRow): number | undefined => r.parts[3];

function matchOnLine(b: ParsedBuild, line: BuildLine): ReleaseMatch {
  if (b.precision !== 'full') return { row: line.base, exact: true, line };
  const r = b.parts[3] ?? 0;
  const withRevision = line.rows.filter((x) => rev(x) !== undefined);
  if (withRevision.length === 0) {
    return {
      row: line.base,
      exact: false,
      line,
      note: `The table gives ${line.base.build} without a revision; ${b.text} read as ${line.base.release}.`,
    };
  }
  const atOrBelow = withRevision.filter((x) => (rev(x) ?? 0) <= r);
  const last = withRevision[withRevision.length - 1] as KbRow;
  if (atOrBelow.length === 0) {
    return {
      row: line.base,
      exact: false,
      line,
      note: `Revision ${r} is below every listed build of ${line.key} (servers can report a lower revision than the published one); read as ${line.base.release} (${line.base.build}).`,
    };
  }
  const near = atOrBelow[atOrBelow.length - 1] as KbRow;
  if (near === last) {
    return {
      row: near,
      exact: false,
      line,
      note: `${b.text} is newer than the latest listed build on its line (${near.build}); treated as at least ${near.release}.`,
    };
  }
  return {
    row: near,
    exact: false,
    line,
    note: `${b.text} is not in the build table; the nearest release at or below it on the same line is ${near.release} (${near.build}).`,
  };
}

/** Line unknown: place the build between the product's known lines. */
function matchBetweenLines(kb: KnowledgeBase, b: ParsedBuild, product: string): ReleaseMatch {
  const lines = linesOfProduct(kb, product);
  const key = b.parts.slice(0, 3);
  const lower = lines.filter((l) => compareVersions(l.parts, key) < 0);
  const below = lower[lower.length - 1];
  if (!below) {
    return { row: null, exact: false, note: `${b.text} is older than every listed build of ${product}.` };
  }
  if (lower.length === lines.length) {
    // Newer than the table: at least the newest known release.
    const newest = below.rows[below.rows.length - 1] as KbRow;
    return {
      row: newest,
      exact: false,
      line: below,
      note: `${b.text} is newer than every listed build of ${product}; treated as at least the latest known release, ${newest.release} (${newest.build}).`,
    };
  }
  return {
    row: below.base,
    exact: false,
    line: below,
    note: `${formatVersion(key)} is not a listed line of ${product}; the nearest lower line is ${below.base.release} (${below.base.build}).`,
  };
}

export function matchRelease(kb: KnowledgeBase, b: ParsedBuild, product: string): ReleaseMatch {
  if (b.precision === 'product') return { row: null, exact: false };
  const key = b.text;
  const exact = kb.byBuild.get(key);
  if (exact && (b.precision === 'full' || exact.parts.length === 3))
    return { row: exact, exact: true, ...(lineOf(kb, exact.parts) ? { line: lineOf(kb, exact.parts) } : {}) };
  const alias = b.precision === 'full' || b.parts.length === 3 ? kb.byAlias.get(key) : undefined;
  if (alias) {
    return {
      row: alias,
      exact: false,
      note: `${b.text} is a known variant of ${alias.release} (table: ${alias.build}).`,
    };
  }
  const line = lineOf(kb, b.parts);
  if (line && line.product === product) return matchOnLine(b, line);
  return matchBetweenLines(kb, b, product);
}
