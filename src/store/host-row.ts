// The denormalised columns the census reads, derived once from a host record at write time.
import type { HostRecord } from '../core/host-record.js';
import type { SqlValue } from './driver.js';
import type { FamilyBits } from './families.js';

export const HOST_COLUMNS = [
  'scan_id', 'ip', 'port', 'hostname', 'source', 'observed_at', 'status', 'is_exchange', 'suspect', 'product',
  'release_name', 'build', 'eol_date', 'continent', 'country', 'asn', 'asn_org', 'vuln_mask', 'likely_mask',
] as const;

/** Values in HOST_COLUMNS order. Family masks are set for on-premises Exchange only, as the census counts them. */
export async function hostRowValues(scanId: number, r: HostRecord, families: FamilyBits): Promise<SqlValue[]> {
  const c = r.classification;
  let vuln = 0;
  let likely = 0;
  if (r.isExchange && c) {
    for (const v of c.vulns) {
      if (v.status !== 'vulnerable' && v.status !== 'likely') continue;
      const bit = 2 ** (await families.bitFor(v.family));
      if (v.status === 'vulnerable') vuln = vuln % (bit * 2) >= bit ? vuln : vuln + bit;
      else likely = likely % (bit * 2) >= bit ? likely : likely + bit;
    }
  }
  return [
    scanId, r.ip, r.port, r.hostname ?? null, r.source, r.timestamp, r.status, r.isExchange ? 1 : 0, r.suspect ? 1 : 0,
    c?.product ?? null, c?.release ?? null, c?.build ?? null, c?.eolDate ?? null,
    r.geo?.continent ?? null, r.geo?.country ?? null, r.asn?.number ?? null, r.asn?.org ?? null, vuln, likely,
  ];
}
