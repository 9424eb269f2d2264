// Checks a knowledge base must pass before anyone writes it, whichever way it was made: builds
// well formed, short form = long form's first three parts, builds rising with their dates along
// each line, every fixing build known (or explained).
import type { KnowledgeBase } from '../types.js';
import { compareVersions, lineKey, splitVersion } from '../version.js';

/** Each problem in words; an empty list means the KB may be written. */
export function checkKnowledgeBase(kb: KnowledgeBase): string[] {
  const problems: string[] = [];
  for (const b of kb.builds) {
    const parts = splitVersion(b.build);
    if (!parts || parts.length < 3)
      problems.push(`build ${b.build} (${b.release}) is not a 3- or 4-part build`);
    else if (lineKey(parts) !== b.buildShort)
      problems.push(`build ${b.build} (${b.release}): short form ${b.buildShort} does not match`);
  }
  for (const line of kb.lines.values()) {
    const rows = [...line.rows].sort((a, b) => compareVersions(a.parts, b.parts));
    for (let i = 1; i < rows.length; i++) {
      const prev = rows[i - 1]!;
      const row = rows[i]!;
      // A month-only date compares by its month: 2015-12 is not after 2015-12-10.
      const a = prev.date.slice(0, Math.min(prev.date.length, row.date.length));
      const b = row.date.slice(0, a.length);
      if (b < a)
        problems.push(
          `line ${line.key}: ${row.build} (${row.release}, ${row.date}) is dated before the lower build ${prev.build} (${prev.date})`,
        );
    }
  }
  for (const c of kb.cves)
    for (const f of c.fixedIn)
      if (!f.inTable && !f.explanation)
        problems.push(`${c.cve}: fixing build ${f.build} is not in the build table and nothing explains why`);
  return problems;
}
