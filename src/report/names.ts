// English names for continent and country codes. src/geo owns the canonical helpers; this
// thin local lookup keeps report output independent of geo's load order.
import { continents, countries } from 'countries-list';

const continentNames = continents as Record<string, string>;
const countryTable = countries as Record<string, { name: string; continent: string }>;

/** "EU" -> "Europe"; unknown codes are returned unchanged, null stays null. */
export function continentLabel(code: string | null | undefined): string | null {
  if (code === null || code === undefined || code === '') return null;
  return continentNames[code.toUpperCase()] ?? code;
}

/** "DE" -> "Germany"; unknown codes are returned unchanged. */
export function countryLabel(code: string | null | undefined): string | null {
  if (code === null || code === undefined || code === '') return null;
  return countryTable[code.toUpperCase()]?.name ?? code;
}

/** Accepts "EU" or "Europe" (any case) and returns the two-letter code, or undefined. */
export function continentCode(input: string): string | undefined {
  const up = input.trim().toUpperCase();
  if (continentNames[up]) return up;
  for (const [code, name] of Object.entries(continentNames)) if (name.toUpperCase() === up) return code;
  return undefined;
}
