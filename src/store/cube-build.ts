// Rebuilds a scan's census cubes (see cubes.ts): two passes over the host table (the geo and the
// networks-by-country mask cubes), one when the caller counted the geo and ASN masks as the rows
// were written; the other cubes derive from those, which are smaller.
import type { SqlDriver } from './driver.js';
import {
  ASN_MASK,
  ASN_PIVOT,
  FAMILY_MASK,
  GEO_ASN_MASK,
  GEO_MASK,
  GEO_PIVOT,
  HOSTS,
  ONE_RECORD_HOSTS,
  type Cube,
} from './cubes.js';

export const CUBES = [GEO_MASK, GEO_PIVOT, FAMILY_MASK, ASN_MASK, ASN_PIVOT, GEO_ASN_MASK];

/** A mask cube from the host table or from a mask cube with more dimensions. */
async function buildMask(db: SqlDriver, from: Cube, to: Cube, scanId: number): Promise<void> {
  const dims = to.dims.join(', ');
  const org = to.asnOrg ? ', asn_org' : '';
  await db.run(
    `INSERT INTO ${to.table} (scan_id, ${dims}, vuln_mask, likely_mask${org}, n)
     SELECT scan_id, ${dims}, vuln_mask, likely_mask${org ? ', MAX(asn_org)' : ''}, ${from.counted ? 'SUM(n)' : 'COUNT(*)'} FROM ${from.table}
     WHERE scan_id = ? GROUP BY scan_id, ${dims}, vuln_mask, likely_mask`,
    [scanId],
  );
}

/**
 * A pivot cube from a mask cube in one sort: per dimension combination, the host count and each
 * family's counts side by side (w), then unfolded into a host row plus one row per open family.
 */
async function buildPivot(
  db: SqlDriver,
  from: Cube,
  to: Cube,
  scanId: number,
  bits: number[],
): Promise<void> {
  const dims = to.dims.join(', ');
  const org = to.asnOrg ? ', asn_org' : '';
  const wide = bits.flatMap((b) => {
    const m = String(2 ** b);
    return [
      `SUM(n) FILTER (WHERE (vuln_mask & ${m}) <> 0) AS v${b}`,
      `SUM(n) FILTER (WHERE (likely_mask & ${m}) <> 0) AS l${b}`,
    ];
  });
  const perFamily = bits.map(
    (b) =>
      `SELECT scan_id, ${dims}, ${b}, 0, COALESCE(v${b}, 0), COALESCE(l${b}, 0)${org ? ', NULL' : ''} FROM w WHERE v${b} > 0 OR l${b} > 0`,
  );
  await db.run(
    `WITH w AS MATERIALIZED (
       SELECT scan_id, ${dims}, SUM(n) AS n${org ? ', MAX(asn_org) AS asn_org' : ''}${wide.map((c) => `, ${c}`).join('')}
       FROM ${from.table} WHERE scan_id = ? GROUP BY scan_id, ${dims})
     INSERT INTO ${to.table} (scan_id, ${dims}, fam, n, vulnerable, likely${org})
     ${[`SELECT scan_id, ${dims}, -1, n, 0, 0${org} FROM w`, ...perFamily].join(' UNION ALL ')}`,
    [scanId],
  );
}

/**
 * Replaces every cube of the scan. Call inside a transaction, with every family bit in use.
 * `masks` writes the geo and ASN mask cubes when the caller counted them already (cube-tally.ts);
 * `oneRecordPerServer`: no address of the scan has records on two ports (servers need no window).
 */
export async function rebuildCubes(
  db: SqlDriver,
  scanId: number,
  familyBits: number[],
  masks: ((db: SqlDriver) => Promise<void>) | undefined,
  oneRecordPerServer: boolean,
): Promise<void> {
  const servers = oneRecordPerServer ? ONE_RECORD_HOSTS : HOSTS;
  for (const c of CUBES) await db.run(`DELETE FROM ${c.table} WHERE scan_id = ?`, [scanId]);
  await buildMask(db, servers, GEO_ASN_MASK, scanId);
  if (masks) await masks(db);
  else {
    await buildMask(db, servers, GEO_MASK, scanId);
    await buildMask(db, GEO_ASN_MASK, ASN_MASK, scanId);
  }
  await buildPivot(db, GEO_MASK, GEO_PIVOT, scanId, familyBits);
  await buildMask(db, GEO_MASK, FAMILY_MASK, scanId);
  await buildPivot(db, ASN_MASK, ASN_PIVOT, scanId, familyBits);
}

/**
 * Replaces only the networks-by-country cube of the scan, when the other cubes are current but
 * were built by a binary that does not know this one (migration 13). Call inside a transaction.
 */
export async function rebuildGeoAsn(
  db: SqlDriver,
  scanId: number,
  oneRecordPerServer: boolean,
): Promise<void> {
  await db.run(`DELETE FROM ${GEO_ASN_MASK.table} WHERE scan_id = ?`, [scanId]);
  await buildMask(db, oneRecordPerServer ? ONE_RECORD_HOSTS : HOSTS, GEO_ASN_MASK, scanId);
}
