// The lab's made-up geo/ASN by address, from its ground truth (the hosts of a running lab, or the
// JSON Lines `excensus lab --truth FILE` wrote), so scans of the lab show continents and
// countries. Entries without usable geo are skipped.
import { readFileSync } from 'node:fs';
import type { GeoLookup } from '../geo/index.js';
import { ConfigError, fileErrorReason } from '../core/errors.js';

interface TruthEntry {
  ip?: unknown;
  geo?: { country?: unknown; continent?: unknown };
  asn?: { number?: unknown; org?: unknown };
}

export function readLabTruthGeo(path: string): Map<string, GeoLookup> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('E_LAB_TRUTH', `cannot read lab ground truth ${path}: ${fileErrorReason(err)}`, {
      cause: err,
    });
  }
  const entries: TruthEntry[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      entries.push(JSON.parse(line) as TruthEntry);
    } catch {
      throw new ConfigError('E_LAB_TRUTH', `${path}:${i + 1}: not JSON`);
    }
  });
  return labTruthGeo(entries);
}

export function labTruthGeo(entries: readonly TruthEntry[]): Map<string, GeoLookup> {
  const out = new Map<string, GeoLookup>();
  for (const v of entries) {
    if (typeof v.ip !== 'string') continue;
    const entry: GeoLookup = {};
    if (typeof v.geo?.country === 'string') {
      entry.geo = {
        country: v.geo.country,
        ...(typeof v.geo.continent === 'string' ? { continent: v.geo.continent } : {}),
        source: 'lab',
      };
    }
    if (typeof v.asn?.number === 'number')
      entry.asn = {
        number: v.asn.number,
        ...(typeof v.asn.org === 'string' ? { org: v.asn.org } : {}),
        source: 'lab',
      };
    out.set(v.ip, entry);
  }
  return out;
}
