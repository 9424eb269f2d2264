// Dotted version numbers: split, compare, format. No knowledge of any product here.

/** Splits "15.02.0858.002" or "15.2.858.2" into numbers; null when not 2-4 numeric parts. */
export function splitVersion(text: string): number[] | null {
  if (!/^\d{1,6}(\.\d{1,6}){1,3}$/.test(text)) return null;
  return text.split('.').map((p) => Number(p));
}

/** Normalised text: no zero padding ("15.02.0858.002" -> "15.2.858.2"). */
export function formatVersion(parts: readonly number[]): string {
  return parts.join('.');
}

/** Numeric comparison over the common length; a missing part sorts first. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? -1;
    const y = b[i] ?? -1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** First three parts as text: the key of a CU / rollup line. */
export function lineKey(parts: readonly number[]): string {
  return formatVersion(parts.slice(0, 3));
}
