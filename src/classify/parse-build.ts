// Build strings as servers, scanners and admins write them -> numbers and a precision.
import type { Precision } from '../core/evidence.js';
import { formatVersion, loadKnowledgeBase, splitVersion, type KnowledgeBase } from '../kb/index.js';

export type ParsedBuild = { parts: number[]; text: string; precision: Precision };

/** The admin-display form "Version M.m (Build B.R)": it never moves with security updates. */
const ADMIN_FORM = /^version\s+(\d+)\.(\d+)\s*\(\s*build\s+(\d+)\.(\d+)\s*\)$/i;

const majorsMemo = new WeakMap<KnowledgeBase, number[]>();

function knownMajors(kb: KnowledgeBase): number[] {
  const hit = majorsMemo.get(kb);
  if (hit) return hit;
  const majors = new Set<number>();
  for (const key of kb.minorGroups.keys()) majors.add(Number(key.split('.')[0]));
  for (const p of kb.products) if (p.versionRange) majors.add(p.versionRange.major);
  const list = [...majors].sort((a, b) => a - b);
  majorsMemo.set(kb, list);
  return list;
}

/**
 * Accepts 2, 3 or 4 parts (precision product / cu / full), zero-padded long form
 * (padded minor, build and revision) and the admin-display form (read as the CU only).
 */
export function parseBuild(
  input: string,
  kb: KnowledgeBase = loadKnowledgeBase(),
): ParsedBuild | { error: string } {
  const s = input.trim();
  let parts: number[] | null;
  let precision: Precision;
  const admin = ADMIN_FORM.exec(s);
  if (admin) {
    parts = [Number(admin[1]), Number(admin[2]), Number(admin[3])];
    precision = 'cu';
  } else {
    parts = splitVersion(s);
    if (!parts)
      return {
        error: `"${input}" is not a build number (expected major.minor[.build[.revision]], 2 to 4 numbers separated by dots)`,
      };
    precision = parts.length === 4 ? 'full' : parts.length === 3 ? 'cu' : 'product';
  }
  const majors = knownMajors(kb);
  if (!majors.includes(parts[0] ?? -1)) {
    return {
      error: `"${input}": major version ${parts[0]} matches no known product (known majors: ${majors.join(', ')})`,
    };
  }
  return { parts, text: formatVersion(parts), precision };
}
