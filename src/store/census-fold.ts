// Folds grouped SQL rows into CensusRows: per group value x family masks (family grouping),
// or one pivoted row per group.
import type { CensusFilter, CensusRow, GroupKey } from './store.js';
import type { SqlRow } from './driver.js';
import type { FamilyBits } from './families.js';

type GroupValue = string | number | boolean | null;

function groupValue(key: GroupKey, v: unknown): GroupValue {
  if (v === null || v === undefined) return null;
  if (key === 'eol') return Number(v) === 1;
  if (key === 'asn' || key === 'port') return Number(v);
  return String(v);
}

export function foldCensus(
  rows: SqlRow[],
  groupBy: GroupKey[],
  keys: Array<Exclude<GroupKey, 'family'>>,
  families: FamilyBits,
  filter?: CensusFilter,
): CensusRow[] {
  const byFamily = groupBy.includes('family');
  const onlyFamilies = filter?.family?.length ? new Set(filter.family) : null;
  const all = families.all();
  const out = new Map<string, CensusRow>();
  // Few distinct masks recur across many rows: decode each once.
  const decoded = new Map<number, string[]>();
  const names = (mask: number): string[] => {
    let n = decoded.get(mask);
    if (!n) decoded.set(mask, (n = families.namesOf(mask)));
    return n;
  };
  for (const r of rows) {
    const base: Partial<Record<GroupKey, GroupValue>> = {};
    keys.forEach((k, i) => (base[k] = groupValue(k, r[`g${i}`])));
    const vuln = names(Number(r.vuln_mask));
    const likely = names(Number(r.likely_mask));
    const hosts = Number(r.hosts);
    const exchange = Number(r.exchange);
    let targets: Array<string | null> = [null];
    if (byFamily) {
      const open = [...new Set([...vuln, ...likely])].filter((f) => !onlyFamilies || onlyFamilies.has(f));
      targets = open.length > 0 ? open : [null];
    }
    for (const fam of targets) {
      const group = byFamily ? { ...base, family: fam } : base;
      const ordered: Partial<Record<GroupKey, GroupValue>> = {};
      for (const k of groupBy) ordered[k] = group[k] ?? null;
      const id = JSON.stringify(groupBy.map((k) => ordered[k]));
      let row = out.get(id);
      if (!row) {
        row = {
          group: ordered,
          hosts: 0,
          exchange: 0,
          suspect: 0,
          eol: 0,
          vulnerable: Object.fromEntries(all.map((f) => [f, 0])),
          likely: Object.fromEntries(all.map((f) => [f, 0])),
        };
        if (keys.includes('asn')) row.asnOrg = null;
        out.set(id, row);
      }
      row.hosts += hosts;
      row.exchange += exchange;
      row.suspect += Number(r.suspect);
      row.eol += Number(r.eol);
      if (r.not_assessed !== undefined)
        row.notAssessed = (row.notAssessed ?? 0) + Number(r.not_assessed ?? 0);
      // Masks are only set on on-premises Exchange rows, so `exchange` is the row's count.
      for (const f of vuln) row.vulnerable[f] = (row.vulnerable[f] ?? 0) + exchange;
      for (const f of likely) row.likely[f] = (row.likely[f] ?? 0) + exchange;
      if (typeof r.asn_org === 'string' && !row.asnOrg) row.asnOrg = r.asn_org;
    }
  }
  return sortRows(out);
}

/** Largest groups first; ties by group value so output is deterministic. */
function sortRows(out: Map<string, CensusRow>): CensusRow[] {
  return [...out.entries()]
    .sort(
      (a, b) =>
        b[1].exchange - a[1].exchange || b[1].hosts - a[1].hosts || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
    )
    .map(([, row]) => row);
}

/** Pivoted rows (one per group, family counts in v<bit>/l<bit> columns) into CensusRows.
 * SQL grouped them already, so each row is its own group: no merging, one pass. */
export function foldPivot(
  rows: SqlRow[],
  groupBy: GroupKey[],
  keys: Array<Exclude<GroupKey, 'family'>>,
  families: FamilyBits,
): CensusRow[] {
  const cols = families.bits().map(([bit, name]) => ({ name, v: `v${bit}`, l: `l${bit}` }));
  const slot = groupBy.map((k) => keys.indexOf(k as Exclude<GroupKey, 'family'>));
  const withAsn = keys.includes('asn');
  const out = new Map<string, CensusRow>();
  for (const r of rows) {
    const group: Partial<Record<GroupKey, GroupValue>> = {};
    const values: GroupValue[] = [];
    groupBy.forEach((k, i) => {
      const at = slot[i] as number;
      const v = at < 0 ? null : groupValue(k, r[`g${at}`]);
      group[k] = v;
      values.push(v);
    });
    // Aggregates over no rows are NULL: count them as 0.
    const row: CensusRow = {
      group,
      hosts: Number(r.hosts ?? 0),
      exchange: Number(r.exchange ?? 0),
      suspect: Number(r.suspect ?? 0),
      eol: Number(r.eol ?? 0),
      vulnerable: {},
      likely: {},
    };
    for (const c of cols) {
      row.vulnerable[c.name] = Number(r[c.v] ?? 0);
      row.likely[c.name] = Number(r[c.l] ?? 0);
    }
    if (r.not_assessed !== undefined) row.notAssessed = Number(r.not_assessed ?? 0);
    if (withAsn) row.asnOrg = typeof r.asn_org === 'string' ? r.asn_org : null;
    out.set(JSON.stringify(values), row);
  }
  return sortRows(out);
}

/** The row of a census over no records: every count 0, each known family 0. */
export function zeroRow(families: FamilyBits, notAssessed: readonly string[] | undefined): CensusRow {
  const zero = { vuln_mask: 0, likely_mask: 0, hosts: 0, exchange: 0, suspect: 0, eol: 0 };
  return foldCensus([{ ...zero, ...(notAssessed ? { not_assessed: 0 } : {}) }], [], [], families)[0]!;
}
