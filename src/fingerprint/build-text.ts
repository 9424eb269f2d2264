// Build strings as sources spell them ("10.02.0300.004", "10.2.300") into one form.

/**
 * Strips zero padding from each dotted part; undefined unless 3 or 4 parts of 1-9 ASCII digits.
 * Read by hand (it runs for every build a rule reads); a build already in this form is returned as is.
 */
export function normaliseBuild(raw: string): string | undefined {
  const s = raw.trim();
  const n = s.length;
  let parts = 0;
  let digits = 0;
  let padded = false;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || ++parts > 4) return undefined;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 0 && c === 48 && i + 1 < n && s.charCodeAt(i + 1) !== 46) padded = true;
      if (++digits > 9) return undefined;
    } else return undefined;
  }
  if (parts < 3) return undefined;
  return padded ? s.split('.').map(Number).join('.') : s;
}

/** "10.2.300.4" -> "10.2.300": the part two builds must share to be the same CU. */
export function buildLine(build: string): string {
  let dot = -1;
  for (let k = 0; k < 3; k++) {
    dot = build.indexOf('.', dot + 1);
    if (dot < 0) return build;
  }
  return build.slice(0, dot);
}
