// Tells whether bytes are one JSON text, as JSON.parse would take them once decoded as UTF-8,
// without building anything. A fast path that reads a few fields from a line's bytes checks the
// rest with this, so a line JSON.parse refuses is never taken: it goes to the parser, which
// reports it. False also for what this is not built for (nesting deeper than MAX_DEPTH): the
// caller then parses the line, which decides. Invalid UTF-8 needs no check: the decoder makes
// it U+FFFD, which is text inside a string and a refused token outside one, as here.

const MAX_DEPTH = 64;

/** Per byte inside a string: 0 = plain text (any byte >= 0x20 but the two below), 1 = '"', 2 = '\', 3 = a control character. */
const IN_STRING = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) IN_STRING[b] = 3;
IN_STRING[0x22] = 1;
IN_STRING[0x5c] = 2;

/** What may follow a backslash: " \ / b f n r t (u is checked on its own). */
const ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') ESCAPE[c.charCodeAt(0)] = 1;

/** Hexadecimal digits. */
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

/** JSON white space: space, tab, line feed, carriage return. */
const SPACE = new Uint8Array(256);
for (const c of ' \t\n\r') SPACE[c.charCodeAt(0)] = 1;

/** Open containers, innermost last: 1 = object, 2 = array (one stack, reused: no reentry). */
const stack = new Uint8Array(MAX_DEPTH);

/** Whether bytes [start, end) of `buf` are one JSON text (white space around it allowed). */
export function isJsonText(buf: Uint8Array, start: number, end: number): boolean {
  let depth = 0;
  let i = skipSpace(buf, start, end);
  // each turn reads one value at i (no white space before it), then what follows it
  for (;;) {
    if (i >= end) return false;
    const c = buf[i]!;
    if (c === 0x22) {
      i = stringEnd(buf, i + 1, end);
      if (i < 0) return false;
    } else if (c === 0x7b || c === 0x5b) {
      if (depth === MAX_DEPTH) return false;
      i = skipSpace(buf, i + 1, end);
      if (buf[i] === c + 2 && i < end) {
        i++; // {} or []
      } else {
        stack[depth++] = c === 0x7b ? 1 : 2;
        if (c === 0x7b) {
          i = memberValue(buf, i, end);
          if (i < 0) return false;
        }
        continue;
      }
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      i = numberEnd(buf, i, end);
      if (i < 0) return false;
    } else if (c === 0x74) {
      if (!literal(buf, i, end, 0x72, 0x75, 0x65)) return false; // true
      i += 4;
    } else if (c === 0x66) {
      if (!literal(buf, i, end, 0x61, 0x6c, 0x73) || i + 4 >= end || buf[i + 4] !== 0x65) return false; // false
      i += 5;
    } else if (c === 0x6e) {
      if (!literal(buf, i, end, 0x75, 0x6c, 0x6c)) return false; // null
      i += 4;
    } else return false;
    // after a value: a comma and the next one, or the end of its container(s)
    for (;;) {
      i = skipSpace(buf, i, end);
      if (depth === 0) return i === end;
      if (i >= end) return false;
      const d = buf[i]!;
      const inObject = stack[depth - 1] === 1;
      if (d === 0x2c) {
        i = skipSpace(buf, i + 1, end);
        if (inObject) {
          i = memberValue(buf, i, end);
          if (i < 0) return false;
        }
        break;
      }
      if (d !== (inObject ? 0x7d : 0x5d)) return false;
      depth--;
      i++;
    }
  }
}

/** A member's key and colon at i: where its value starts (white space skipped), or -1. */
function memberValue(buf: Uint8Array, i: number, end: number): number {
  if (i >= end || buf[i] !== 0x22) return -1;
  i = stringEnd(buf, i + 1, end);
  if (i < 0) return -1;
  i = skipSpace(buf, i, end);
  if (i >= end || buf[i] !== 0x3a) return -1;
  return skipSpace(buf, i + 1, end);
}

/** The bytes last checked, seen as 32-bit words from `wordBase` (an offset in `buf`, aligned): plain text is skipped 4 bytes a step. */
let viewOf: Uint8Array | null = null;
let words: Int32Array = new Int32Array(0);
let wordBase = 0;

function wordsOf(buf: Uint8Array): void {
  viewOf = buf;
  wordBase = (4 - (buf.byteOffset & 3)) & 3;
  const count = buf.length > wordBase ? (buf.length - wordBase) >> 2 : 0;
  words = new Int32Array(buf.buffer, buf.byteOffset + wordBase, count);
}

/** The string whose text starts at i: the offset after its closing quote, or -1. */
function stringEnd(buf: Uint8Array, i: number, end: number): number {
  if (buf !== viewOf) wordsOf(buf);
  while (i < end) {
    // whole words of plain text first: no byte below 0x20, no quote, no backslash (each test is
    // exact: a borrow reaches a higher byte only from a byte that already matched)
    if (((i - wordBase) & 3) === 0 && i >= wordBase) {
      let w = (i - wordBase) >> 2;
      const wEnd = (end - wordBase) >> 2;
      for (; w < wEnd; w++) {
        const x = words[w]!;
        const q = x ^ 0x22222222;
        const b = x ^ 0x5c5c5c5c;
        if ((((x - 0x20202020) & ~x) | ((q - 0x01010101) & ~q) | ((b - 0x01010101) & ~b)) & 0x80808080) break;
      }
      i = wordBase + (w << 2);
      if (i >= end) break;
    }
    const k = IN_STRING[buf[i]!]!;
    if (k === 0) {
      i++;
      continue;
    }
    if (k === 1) return i + 1;
    if (k === 3 || i + 1 >= end) return -1;
    const e = buf[i + 1]!;
    if (ESCAPE[e] === 1) i += 2;
    else if (
      e === 0x75 &&
      i + 5 < end &&
      HEX[buf[i + 2]!] === 1 &&
      HEX[buf[i + 3]!] === 1 &&
      HEX[buf[i + 4]!] === 1 &&
      HEX[buf[i + 5]!] === 1
    )
      i += 6;
    else return -1;
  }
  return -1;
}

/** The number at i (-? int frac? exp?): the offset after it, or -1. */
function numberEnd(buf: Uint8Array, i: number, end: number): number {
  if (buf[i] === 0x2d) i++;
  if (i >= end) return -1;
  if (buf[i] === 0x30) i++;
  else {
    const from = i;
    i = digitsEnd(buf, i, end);
    if (i === from) return -1;
  }
  if (i < end && buf[i] === 0x2e) {
    const from = ++i;
    i = digitsEnd(buf, i, end);
    if (i === from) return -1;
  }
  if (i < end && (buf[i] === 0x65 || buf[i] === 0x45)) {
    i++;
    if (i < end && (buf[i] === 0x2b || buf[i] === 0x2d)) i++;
    const from = i;
    i = digitsEnd(buf, i, end);
    if (i === from) return -1;
  }
  return i;
}

function digitsEnd(buf: Uint8Array, i: number, end: number): number {
  while (i < end && buf[i]! >= 0x30 && buf[i]! <= 0x39) i++;
  return i;
}

/** Whether the three bytes after i are a, b, c (the rest of true or null, or "als" of false). */
function literal(buf: Uint8Array, i: number, end: number, a: number, b: number, c: number): boolean {
  return i + 3 < end && buf[i + 1] === a && buf[i + 2] === b && buf[i + 3] === c;
}

function skipSpace(buf: Uint8Array, i: number, end: number): number {
  while (i < end && SPACE[buf[i]!] === 1) i++;
  return i;
}
