// classifyBuild: build string + knowledge base + as-of date -> Classification. Pure: no clock, no I/O.
import type { Classification } from '../core/classification.js';
import { productOf, releasedBy, type KnowledgeBase, type ProductInfo } from '../kb/index.js';
import { matchRelease } from './match-release.js';
import { parseBuild, type ParsedBuild } from './parse-build.js';
import { recommend } from './recommend.js';
import { supportStatus } from './support.js';
import { judgeVulns, unknownVulns } from './vulns.js';

const PRECISION_NOTE = {
  cu: 'Only the CU is known (three-part build): the security update level is not visible.',
  product: 'Only the product is known: release, CU and update level are not visible.',
  full: undefined,
} as const;

function joinNotes(...notes: (string | undefined)[]): string | undefined {
  const list = notes.filter((n): n is string => Boolean(n));
  return list.length ? list.join(' ') : undefined;
}

function empty(b: ParsedBuild, note: string, recommendation: string): Classification {
  return {
    build: b.text,
    precision: b.precision,
    product: null,
    onPremises: true,
    release: null,
    releaseKind: null,
    releaseDate: null,
    exact: false,
    note,
    eol: false,
    eolDate: null,
    daysPastEol: null,
    vulns: [],
    recommendation,
  };
}

function hosted(b: ParsedBuild, p: ProductInfo): Classification {
  return {
    ...empty(
      b,
      p.note ?? `${b.text} is a ${p.product} build, not an on-premises server.`,
      `Nothing to install: ${p.product} is maintained by Microsoft`,
    ),
    product: p.product,
    onPremises: false,
  };
}

function classifyOnPremises(kb: KnowledgeBase, b: ParsedBuild, p: ProductInfo, asOf: string): Classification {
  const m = matchRelease(kb, b, p.product);
  const support = supportStatus(p, asOf);
  const row = m.row;
  const out: Classification = {
    build: b.text,
    precision: b.precision,
    product: p.product,
    onPremises: true,
    release: row?.release ?? null,
    releaseKind: row?.kind ?? null,
    releaseDate: row?.date ?? null,
    exact: m.exact,
    eol: support.eol,
    eolDate: support.eolDate,
    daysPastEol: support.daysPastEol,
    vulns: judgeVulns(kb, b, p, asOf),
    recommendation: recommend(kb, b, p, support, asOf),
  };
  if (b.precision === 'cu' && m.line) {
    out.cu = m.line.base.release;
    out.sus = m.line.rows
      .filter((r) => r !== m.line?.base && r.kind !== 'Preview' && releasedBy(r.date, asOf))
      .map((r) => r.release);
  }
  // A three-part row is all the table knows of that release: nothing is hidden then.
  const precisionNote = row && row.parts.length === 3 ? undefined : PRECISION_NOTE[b.precision];
  const note = joinNotes(m.note, row?.note, precisionNote, support.note);
  if (note) out.note = note;
  return out;
}

// A census repeats a few thousand distinct builds across millions of records: memoise per
// knowledge base. Every record of a build shares one frozen result (no caller can alter another's),
// which also lets a structured clone between threads send it once per message.
const memo = new WeakMap<KnowledgeBase, Map<string, Classification>>();
const MEMO_LIMIT = 20_000;

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o))
    if (v && typeof v === 'object' && !Object.isFrozen(v)) deepFreeze(v as object);
  return Object.freeze(o);
}

/** Classifies one build. Errors (not a build, unknown major) come back as `{ error }`, never thrown. */
export function classifyBuild(
  input: string | ParsedBuild,
  kb: KnowledgeBase,
  asOf: string,
): Classification | { error: string } {
  const b = typeof input === 'string' ? parseBuild(input, kb) : input;
  if ('error' in b) return b;
  let cache = memo.get(kb);
  if (!cache || cache.size >= MEMO_LIMIT) memo.set(kb, (cache = new Map()));
  const key = `${b.text}|${b.precision}|${asOf}`;
  let c = cache.get(key);
  if (!c) cache.set(key, (c = deepFreeze(classifyParsed(kb, b, asOf))));
  return c;
}

function classifyParsed(kb: KnowledgeBase, b: ParsedBuild, asOf: string): Classification {
  const pm = productOf(kb, b.parts);
  if (pm.kind === 'ambiguous') {
    return empty(
      b,
      `${b.text} is shared by ${pm.products.join(' and ')}; the build part is needed to tell them apart.`,
      'Read the full build number to identify the product',
    );
  }
  if (pm.kind === 'unknown') {
    return {
      ...empty(
        b,
        `${b.text} matches no known product line.`,
        'Identify the product by hand: the build matches no known line',
      ),
      vulns: unknownVulns(kb, asOf),
    };
  }
  if (!pm.product.onPremises) return hosted(b, pm.product);
  return classifyOnPremises(kb, b, pm.product, asOf);
}
