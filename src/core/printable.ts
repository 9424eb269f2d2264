// Text from outside (scan data, file names, server banners) made safe for a terminal or a text
// file: control characters would move the cursor, clear the screen, write the clipboard (OSC 52)
// or reverse the reading order (bidi overrides). Each is shown escaped, visibly, instead.

// C0 (but tab), DEL, C1, the bidi embeddings/overrides U+202A-202E and isolates U+2066-2069,
// and the line and paragraph separators some terminals honour.
const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escape(c: string): string {
  const n = c.charCodeAt(0);
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
}

/** `s` with every control character escaped (`\x1b`, `\u202e`); tab and printable text unchanged. */
export function printable(s: string): string {
  return escapedBy(UNSAFE, s);
}

/** The same but line breaks, which a format may hold in a quoted field (CSV). */
const UNSAFE_BUT_LINES = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** printable() that keeps CR and LF (the caller quotes them, as RFC 4180 CSV does). */
export function printableKeepingLines(s: string): string {
  return escapedBy(UNSAFE_BUT_LINES, s);
}

/** `s` with what the global pattern `unsafe` matches escaped; the same string when nothing matches. */
function escapedBy(unsafe: RegExp, s: string): string {
  unsafe.lastIndex = 0;
  return unsafe.test(s) ? s.replace(unsafe, escape) : s;
}

/** A store for messages: a PostgreSQL URL without its password (`postgres://user:***@host/db`). */
export function storeLabel(db: string): string {
  const m = /^(postgres(?:ql)?:\/\/[^:@/]*:)([^@/]*)(@.*)$/i.exec(db);
  return printable(m ? `${m[1]}***${m[3]}` : db);
}
