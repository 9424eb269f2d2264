// Reads census rows from a Store: picks the scan, asks the store to group, and fills in what
// the store's rows do not carry (AS organisation names).
import { ConfigError } from '../core/errors.js';
import type { CensusQuery, CensusRow, ScanInfo, Store } from '../store/store.js';
import { notAssessedProducts } from './assessed.js';

/**
 * A scan by id or name; without a ref, the complete scan with the newest data (an interrupted or
 * unfinished one is only ever taken when named). Missing scans are a runtime error, and so, with
 * `refuseEmpty`, is a scan holding no record: there is nothing to report on.
 */
export async function resolveScan(
  store: Store,
  ref: string | undefined,
  opts: { refuseEmpty?: boolean } = {},
): Promise<ScanInfo> {
  const scan = await findScan(store, ref);
  if (opts.refuseEmpty && scan.counts.hosts === 0)
    throw new ConfigError(
      'E_EMPTY_SCAN',
      `scan "${scan.name}" (#${scan.id}, ${scan.state}) holds no records: nothing to report`,
    );
  return scan;
}

async function findScan(store: Store, ref: string | undefined): Promise<ScanInfo> {
  if (ref === undefined || ref === '' || ref === 'latest') {
    const latest = await store.latestScan();
    if (latest) return latest;
    const others = await store.listScans();
    if (others.length > 0)
      throw new ConfigError(
        'E_NO_COMPLETE_SCAN',
        `the store holds no complete scan (${others.length} interrupted or unfinished: see \`excensus scans\`; name one to see its partial counts)`,
      );
    throw new ConfigError(
      'E_NO_SCANS',
      'the store holds no scans yet: run `excensus scan` or `excensus ingest` first',
    );
  }
  const scan = await store.getScan(ref);
  if (scan) return scan;
  throw new ConfigError('E_NO_SCAN', `no scan "${ref}" in the store (see \`excensus scans\`)`);
}

/** Every census goes through the store, which groups in SQL; each row counts the servers of
 * products the knowledge base does not judge (`notAssessed`), so 0 vulnerable never reads "clean". */
export function runCensus(store: Store, q: CensusQuery): Promise<CensusRow[]> {
  return store.census({ notAssessed: notAssessedProducts(), ...q });
}

/**
 * The names found for an answer's rows, by its first row: a store that keeps answers hands out the
 * same row objects each time, and a census by network's map is tens of thousands of entries that
 * every request of a busy dashboard built again (and held while its page was drawn).
 */
const namesOf = new WeakMap<CensusRow, { rows: number; names: Map<number, string> }>();

/** Organisation names for AS numbers: from the census rows when the store filled them in, else from one stored record of each. */
export async function asnOrgs(store: Store, scanId: number, rows: CensusRow[]): Promise<Map<number, string>> {
  const first = rows[0];
  const kept = first ? namesOf.get(first) : undefined;
  if (kept && kept.rows === rows.length) return kept.names;
  const out = await findAsnOrgs(store, scanId, rows);
  if (first) namesOf.set(first, { rows: rows.length, names: out });
  return out;
}

async function findAsnOrgs(store: Store, scanId: number, rows: CensusRow[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const wanted = new Set<number>();
  for (const r of rows) {
    const asn = r.group.asn;
    if (typeof asn !== 'number') continue;
    if (r.asnOrg) out.set(asn, r.asnOrg);
    else if (r.asnOrg === undefined) wanted.add(asn);
  }
  if (wanted.size === 0) return out;
  for await (const h of store.iterateHosts(scanId, { asn: [...wanted] })) {
    const a = h.record.asn;
    if (a?.org && wanted.has(a.number) && !out.has(a.number)) out.set(a.number, a.org);
    if ([...wanted].every((n) => out.has(n))) break;
  }
  return out;
}
