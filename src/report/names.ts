// Null-safe wrappers over src/geo's names for report output, plus continent input parsing.
import { continents } from 'countries-list';
import { continentName, countryName, isCountryCode } from '../geo/countries.js';

const continentNames = continents as Record<string, string>;

/** "EU" -> "Europe"; unknown codes are returned unchanged, null stays null. */
export function continentLabel(code: string | null | undefined): string | null {
  return code === null || code === undefined || code === '' ? null : continentName(code);
}

/** "DE" -> "Germany"; a code that is not ISO 3166-1 (whatever a source wrote) -> "unknown". */
export function countryLabel(code: string | null | undefined): string | null {
  if (code === null || code === undefined || code === '') return null;
  return isCountryCode(code) ? countryName(code) : 'unknown';
}

/** A country for a text table: "DE Germany", or "unknown (XX)" for a code that is not ISO 3166-1. */
export function countryCell(code: string): string {
  return isCountryCode(code) ? `${code} ${countryName(code)}` : `unknown (${code})`;
}

/** Accepts "EU" or "Europe" (any case) and returns the two-letter code, or undefined. */
export function continentCode(input: string): string | undefined {
  const up = input.trim().toUpperCase();
  if (continentNames[up]) return up;
  for (const [code, name] of Object.entries(continentNames)) if (name.toUpperCase() === up) return code;
  return undefined;
}
