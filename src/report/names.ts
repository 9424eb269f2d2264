// Null-safe wrappers over src/geo's names for report output, plus continent input parsing.
import { continents } from 'countries-list';
import { continentName, countryName } from '../geo/index.js';

const continentNames = continents as Record<string, string>;

/** "EU" -> "Europe"; unknown codes are returned unchanged, null stays null. */
export function continentLabel(code: string | null | undefined): string | null {
  return code === null || code === undefined || code === '' ? null : continentName(code);
}

/** "DE" -> "Germany"; unknown codes are returned unchanged. */
export function countryLabel(code: string | null | undefined): string | null {
  return code === null || code === undefined || code === '' ? null : countryName(code);
}

/** Accepts "EU" or "Europe" (any case) and returns the two-letter code, or undefined. */
export function continentCode(input: string): string | undefined {
  const up = input.trim().toUpperCase();
  if (continentNames[up]) return up;
  for (const [code, name] of Object.entries(continentNames)) if (name.toUpperCase() === up) return code;
  return undefined;
}
