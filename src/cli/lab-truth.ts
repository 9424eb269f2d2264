// Reads the lab's ground truth (JSON Lines from `excensus lab --truth FILE`) for its made-up geo/ASN,
// so scans of the lab show continents and countries. Lines without usable geo are skipped.
import { readFileSync } from 'node:fs';
import type { GeoLookup } from '../geo/index.js';
import { ConfigError } from '../core/errors.js';

export function readLabTruthGeo(path: string): Map<string, GeoLookup> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('E_LAB_TRUTH', `cannot read lab ground truth ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const out = new Map<string, GeoLookup>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let v: {
      ip?: unknown;
      geo?: { country?: unknown; continent?: unknown };
      asn?: { number?: unknown; org?: unknown };
    };
    try {
      v = JSON.parse(line) as typeof v;
    } catch {
      throw new ConfigError('E_LAB_TRUTH', `${path}:${i + 1}: not JSON`);
    }
    if (typeof v.ip !== 'string') return;
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
  });
  return out;
}
