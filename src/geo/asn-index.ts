// ASN ranges (ip-location-db CSV: start,end,asn,org with numeric addresses) as sorted typed
// arrays searched by bisection. Built once per process, lazily, from the pinned package.
import { readFileSync } from 'node:fs';
import type { AsnInfo } from '../core/observation.js';

export interface AsnIndex {
  v4Start: Uint32Array;
  v4End: Uint32Array;
  v4Asn: Uint32Array;
  v4Org: Uint32Array;
  /** IPv6 bounds as (high, low) 64-bit halves. */
  v6StartHi: BigUint64Array;
  v6StartLo: BigUint64Array;
  v6EndHi: BigUint64Array;
  v6EndLo: BigUint64Array;
  v6Asn: Uint32Array;
  v6Org: Uint32Array;
  orgs: string[];
}

/** start,end,asn,org -> fields; org may be quoted with "" escapes. */
function splitRow(line: string): [string, string, string, string] | null {
  const a = line.indexOf(',');
  const b = line.indexOf(',', a + 1);
  const c = line.indexOf(',', b + 1);
  if (a < 0 || b < 0 || c < 0) return null;
  let org = line.slice(c + 1);
  if (org.startsWith('"') && org.endsWith('"')) org = org.slice(1, -1).replaceAll('""', '"');
  return [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1, c), org];
}

const MASK64 = (1n << 64n) - 1n;

/** Parses the two numeric CSVs. Rows that do not parse are skipped and counted. */
export function buildAsnIndex(v4Csv: string, v6Csv: string): { index: AsnIndex; skipped: number } {
  const orgs: string[] = [];
  const orgIds = new Map<string, number>();
  const orgId = (o: string): number => {
    let id = orgIds.get(o);
    if (id === undefined) {
      id = orgs.push(o) - 1;
      orgIds.set(o, id);
    }
    return id;
  };
  let skipped = 0;
  const v4 = v4Csv.split('\n').filter((l) => l.length > 0);
  const v4Start = new Uint32Array(v4.length),
    v4End = new Uint32Array(v4.length),
    v4Asn = new Uint32Array(v4.length),
    v4Org = new Uint32Array(v4.length);
  let n4 = 0;
  for (const line of v4) {
    const f = splitRow(line);
    const s = Number(f?.[0]),
      e = Number(f?.[1]),
      asn = Number(f?.[2]);
    if (!f || !Number.isInteger(s) || !Number.isInteger(e) || !Number.isInteger(asn)) {
      skipped++;
      continue;
    }
    v4Start[n4] = s;
    v4End[n4] = e;
    v4Asn[n4] = asn;
    v4Org[n4] = orgId(f[3]);
    n4++;
  }
  const v6 = v6Csv.split('\n').filter((l) => l.length > 0);
  const sh = new BigUint64Array(v6.length),
    sl = new BigUint64Array(v6.length),
    eh = new BigUint64Array(v6.length),
    el = new BigUint64Array(v6.length);
  const v6Asn = new Uint32Array(v6.length),
    v6Org = new Uint32Array(v6.length);
  let n6 = 0;
  for (const line of v6) {
    const f = splitRow(line);
    try {
      if (!f) throw new Error('short row');
      const s = BigInt(f[0]),
        e = BigInt(f[1]),
        asn = Number(f[2]);
      if (!Number.isInteger(asn)) throw new Error('bad asn');
      sh[n6] = s >> 64n;
      sl[n6] = s & MASK64;
      eh[n6] = e >> 64n;
      el[n6] = e & MASK64;
      v6Asn[n6] = asn;
      v6Org[n6] = orgId(f[3]);
      n6++;
    } catch {
      skipped++;
    }
  }
  const index: AsnIndex = {
    v4Start: v4Start.slice(0, n4),
    v4End: v4End.slice(0, n4),
    v4Asn: v4Asn.slice(0, n4),
    v4Org: v4Org.slice(0, n4),
    v6StartHi: sh.slice(0, n6),
    v6StartLo: sl.slice(0, n6),
    v6EndHi: eh.slice(0, n6),
    v6EndLo: el.slice(0, n6),
    v6Asn: v6Asn.slice(0, n6),
    v6Org: v6Org.slice(0, n6),
    orgs,
  };
  return { index, skipped };
}

export function loadAsnIndexFromCsv(v4Path: string, v6Path: string): { index: AsnIndex; skipped: number } {
  return buildAsnIndex(readFileSync(v4Path, 'latin1'), readFileSync(v6Path, 'latin1'));
}

/** Last range whose start is <= the address (ranges are sorted and disjoint). */
export function lookupAsnV4(ix: AsnIndex, n: number, source: string): AsnInfo | undefined {
  let lo = 0,
    hi = ix.v4Start.length - 1,
    found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((ix.v4Start[mid] as number) <= n) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // A few snapshot ranges overlap; an earlier, wider range may still hold the address.
  for (let k = found; k >= 0 && k > found - 4; k--) {
    if ((ix.v4End[k] as number) >= n)
      return asnInfo(ix, ix.v4Asn[k] as number, ix.v4Org[k] as number, source);
  }
  return undefined;
}

export function lookupAsnV6(ix: AsnIndex, n: bigint, source: string): AsnInfo | undefined {
  const h = n >> 64n,
    l = n & MASK64;
  const le = (ah: bigint, al: bigint, bh: bigint, bl: bigint): boolean => ah < bh || (ah === bh && al <= bl);
  let lo = 0,
    hi = ix.v6StartHi.length - 1,
    found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (le(ix.v6StartHi[mid] as bigint, ix.v6StartLo[mid] as bigint, h, l)) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  for (let k = found; k >= 0 && k > found - 4; k--) {
    if (le(h, l, ix.v6EndHi[k] as bigint, ix.v6EndLo[k] as bigint))
      return asnInfo(ix, ix.v6Asn[k] as number, ix.v6Org[k] as number, source);
  }
  return undefined;
}

function asnInfo(ix: AsnIndex, asn: number, org: number, source: string): AsnInfo | undefined {
  if (asn === 0) return undefined; // 0 marks unrouted space in some snapshots
  const name = ix.orgs[org];
  return name ? { number: asn, org: name, source } : { number: asn, source };
}
