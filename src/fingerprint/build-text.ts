// Build strings as sources spell them ("10.02.0300.004", "10.2.300") into one form.

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

/** "10.2.300.4" -> "10.2.300": the part two builds must share to be the same CU. */
export function buildLine(build: string): string {
  return build.split('.').slice(0, 3).join('.');
}
