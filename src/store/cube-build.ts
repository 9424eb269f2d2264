// Rebuilds a scan's census cubes (see cubes.ts): two passes over the host table (geo and ASN
// mask cubes); the other cubes derive from those, which are far smaller.
import type { SqlDriver } from './driver.js';
import { ASN_MASK, ASN_PIVOT, FAMILY_MASK, GEO_MASK, GEO_PIVOT, HOSTS, type Cube } from './cubes.js';

const CUBES = [GEO_MASK, GEO_PIVOT, FAMILY_MASK, ASN_MASK, ASN_PIVOT];

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

async function buildPivot(db: SqlDriver, from: Cube, to: Cube, scanId: number): Promise<void> {
  const dims = to.dims.join(', ');
  const mDims = to.dims.map((d) => `m.${d}`).join(', ');
  const org = to.asnOrg ? ', asn_org' : '';
  // Host counts: one row per dimension combination.
  await db.run(
    `INSERT INTO ${to.table} (scan_id, ${dims}, fam, n, vulnerable, likely${org})
     SELECT scan_id, ${dims}, -1, SUM(n), 0, 0${org ? ', MAX(asn_org)' : ''} FROM ${from.table}
     WHERE scan_id = ? GROUP BY scan_id, ${dims}`,
    [scanId],
  );
  // Family counts: one row per combination and family that has any vulnerable or likely server.
  const has = (mask: string) => `((${mask} >> f.bit) & 1) = 1`;
  await db.run(
    `INSERT INTO ${to.table} (scan_id, ${dims}, fam, n, vulnerable, likely)
     SELECT m.scan_id, ${mDims}, f.bit, 0,
       SUM(CASE WHEN ${has('m.vuln_mask')} THEN m.n ELSE 0 END), SUM(CASE WHEN ${has('m.likely_mask')} THEN m.n ELSE 0 END)
     FROM ${from.table} m JOIN families f ON ${has('(m.vuln_mask | m.likely_mask)')}
     WHERE m.scan_id = ? GROUP BY m.scan_id, ${mDims}, f.bit`,
    [scanId],
  );
}

/** Replaces every cube of the scan. Call inside a transaction. */
export async function rebuildCubes(db: SqlDriver, scanId: number): Promise<void> {
  for (const c of CUBES) await db.run(`DELETE FROM ${c.table} WHERE scan_id = ?`, [scanId]);
  await buildMask(db, HOSTS, GEO_MASK, scanId);
  await buildPivot(db, GEO_MASK, GEO_PIVOT, scanId);
  await buildMask(db, GEO_MASK, FAMILY_MASK, scanId);
  await buildMask(db, HOSTS, ASN_MASK, scanId);
  await buildPivot(db, ASN_MASK, ASN_PIVOT, scanId);
}
