// Which body rules are worth testing on a body. A rule's declared anchors (compile.ts gateOf) are
// literals one of which any text it fires on contains: one case-insensitive pass finds which of the
// gated rules' anchors a body holds, and a rule none of whose anchors is there is not tested. The
// pass searches for the anchors not found yet only (one regex per such set, made once and kept), so
// it reads the body once, stopping at most once per anchor.
import type { CompiledRule } from './compile.js';
import { escapeRegex } from './compile.js';

/** Anchors are tracked as bits: beyond this many distinct ones, no rule is gated. */
const MAX_ANCHORS = 31;
/** Searches kept (one per set of anchors still missing; bodies of one kind share a few sets). */
const MAX_SEARCHES = 256;

export class BodyGate {
  /** Every gating anchor, lower case. */
  private readonly anchors: string[];
  /** By anchor: the bits of the anchors it contains (its own included). */
  private readonly covers = new Map<string, number>();
  /** By body rule (in the rule set's order): the bits of its anchors; 0: always tested. */
  private readonly byRule: number[];
  private readonly searches = new Map<number, RegExp>();
  /** Bits of the anchors found in the body last scanned. */
  private found = 0;

  constructor(rules: readonly CompiledRule[]) {
    const all = new Set<string>();
    for (const r of rules) for (const a of r.gate ?? []) all.add(a);
    this.anchors = all.size <= MAX_ANCHORS ? [...all] : [];
    const bit = (a: string): number => {
      const i = this.anchors.indexOf(a);
      return i < 0 ? 0 : 1 << i;
    };
    for (const a of this.anchors) {
      let inside = 0;
      for (const b of this.anchors) if (a.includes(b)) inside |= bit(b);
      this.covers.set(a, inside);
    }
    this.byRule = rules.map((r) => {
      const bits = (r.gate ?? []).map(bit);
      return bits.includes(0) ? 0 : bits.reduce((x, y) => x | y, 0);
    });
  }

  /** The search for the anchors whose bits are in `missing`: longest first, so that of two starting at one place the longer one matches. */
  private search(missing: number): RegExp {
    let re = this.searches.get(missing);
    if (re === undefined) {
      const wanted = this.anchors.filter((_, i) => (missing & (1 << i)) !== 0);
      wanted.sort((a, b) => b.length - a.length);
      re = new RegExp(wanted.map(escapeRegex).join('|'), 'gi');
      if (this.searches.size >= MAX_SEARCHES) this.searches.clear();
      this.searches.set(missing, re);
    }
    return re;
  }

  /** Reads which anchors `body` contains, for the `passes` calls that follow (one body at a time). */
  scan(body: string): void {
    const every = this.anchors.length === 0 ? 0 : (2 ** this.anchors.length - 1) | 0;
    let found = 0;
    let from = 0;
    while (found !== every) {
      // no missing anchor starts before `from`
      const re = this.search(every & ~found);
      re.lastIndex = from;
      const m = re.exec(body);
      if (m === null) break;
      const inside = this.covers.get(m[0].toLowerCase());
      // (an anchor in other letters cannot match ASCII anchors: were it so, test every rule)
      found |= inside ?? every;
      // the anchors starting here that did not match are in the one that did: look on from the next place
      from = m.index + 1;
    }
    this.found = found;
  }

  /** Whether body rule number `i` can fire on the body last scanned. */
  passes(i: number): boolean {
    const mine = this.byRule[i]!;
    return mine === 0 || (mine & this.found) !== 0;
  }
}
