// Build strings as sources spell them ("15.02.0858.002", "15.2.858") into one form.

/** Strips zero padding from each dotted part; undefined unless 3 or 4 numeric parts. */
export function normaliseBuild(raw: string): string | undefined {
  const parts = raw.trim().split('.');
  if (parts.length < 3 || parts.length > 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,9}$/.test(p)) return undefined;
    out.push(Number(p));
  }
  return out.join('.');
}

/** "15.2.858.2" -> "15.2.858": the part two builds must share to be the same CU. */
export function buildLine(build: string): string {
  return build.split('.').slice(0, 3).join('.');
}
