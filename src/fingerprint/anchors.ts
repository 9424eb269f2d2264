// A cheap pre-filter for bulk ingest: literal strings from the rules, at least one of which
// any record that could fire a positive rule contains. Compare case-insensitively.
import { isPositiveWeight } from '../core/evidence.js';
import type { RuleSet } from './ruleset.js';
import { escapeRegex } from './compile.js';

/**
 * Lower-case anchors. Header rules contribute their names in both spellings ("-" and "_");
 * text rules their declared anchors. Rules reading source claims (`reported`) or builds
 * already read are not text matches and are exempt: records carrying claims are not filtered.
 * Only positive rules count: a proof, doubt or note never makes a record the product.
 */
export function ruleAnchors(rs: RuleSet): string[] {
  const out = new Set<string>();
  for (const r of rs.rules) {
    const d = r.def;
    if (!isPositiveWeight(d.weight) || d.reads === 'reported' || d.reads === 'build') continue;
    if (d.reads === 'header' || d.reads === 'location') {
      if (d.anchors?.length) for (const a of d.anchors) out.add(a.toLowerCase());
      else
        for (const n of r.names) {
          out.add(n);
          out.add(n.replaceAll('-', '_'));
        }
    } else {
      for (const a of d.anchors ?? []) out.add(a.toLowerCase());
    }
  }
  // An anchor that contains a shorter anchor adds nothing to the filter.
  const all = [...out].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const a of all) if (!kept.some((k) => a.includes(k))) kept.push(a);
  return kept.sort();
}

/** One case-insensitive regex over all anchors; `test(text)` false means "cannot match". */
export function anchorPattern(rs: RuleSet): RegExp {
  return new RegExp(ruleAnchors(rs).map(escapeRegex).join('|'), 'i');
}
