// Tells whether bytes are one JSON text, as JSON.parse would take them once decoded as UTF-8,
// without building anything. A fast path that reads a few fields from a line's bytes checks the
// rest with this, so a line JSON.parse refuses is never taken: it goes to the parser, which
// reports it. False also for what this is not built for (nesting deeper than MAX_DEPTH): the
// caller then parses the line, which decides. Invalid UTF-8 needs no check: the decoder makes
// it U+FFFD, which is text inside a string and a refused token outside one, as here.
// One loop, no calls in the common steps: a Shodan banner has a quote or backslash every ~22
// bytes, so the cost per string counts as much as the cost per byte.

const MAX_DEPTH = 64;

/** What the next token must be: a value, a member's key (after "{" or ","), or what follows a value. */
const VALUE = 0;
const KEY = 1;
const AFTER = 2;

/** What may follow a backslash: " \ / b f n r t (u is checked on its own). */
const ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') ESCAPE[c.charCodeAt(0)] = 1;

/** Hexadecimal digits. */
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

/** Open containers, innermost last: the byte that closes each (one stack, reused: no reentry). */
const closers = new Uint8Array(MAX_DEPTH);

/** The bytes last checked, read 4 at a time (unaligned little-endian loads are cheap). */
let viewOf: Uint8Array | null = null;
let view: DataView = new DataView(new ArrayBuffer(0));

/** No hits: isJsonText passes these to placeKeys. */
const NO_HITS = new Int32Array(0);
const NO_NAME = new Uint8Array(0);

/** Whether bytes [start, end) of `buf` are one JSON text (white space around it allowed). */
export function isJsonText(buf: Uint8Array, start: number, end: number): boolean {
  return placeKeys(buf, start, end, NO_HITS, 0, 0, NO_HITS, NO_NAME) !== NOT_JSON;
}

/** placeKeys: the bytes are no JSON text (or nest deeper than MAX_DEPTH). */
export const NOT_JSON = 0;
/** placeKeys: one JSON text, each hit placed. */
export const PLACED = 1;
/** placeKeys: one JSON text, but a key is written with escapes, at any depth (it may decode to a key of interest). */
export const ESCAPED_KEY = 2;
/** placeKeys: one JSON text, but the container's key is written twice at the top level. */
export const CONTAINER_TWICE = 3;
/** A hit's place: not a key (inside a string, or a string value). */
export const NOT_KEY = -1;
/** A hit's place: a key anywhere else. */
export const DEEP_KEY = 0;
/** A hit's place: a key of the top-level object. */
export const TOP_KEY = 1;
/** A hit's place: a key of the object that is the value of the top-level key named `container`. */
export const IN_CONTAINER = 2;

/**
 * isJsonText for a line whose key-like strings were found by their bytes: `starts[h0..h1)` (the
 * positions of their opening quotes, ascending). Says in `places[h - h0]` where each hit stands
 * (NOT_KEY, DEEP_KEY, TOP_KEY, IN_CONTAINER: right in the object of the top-level key whose name
 * is the bytes `container`), in the same pass over the bytes. Returns NOT_JSON, PLACED,
 * ESCAPED_KEY or CONTAINER_TWICE.
 */
export function placeKeys(
  buf: Uint8Array,
  start: number,
  end: number,
  starts: Int32Array,
  h0: number,
  h1: number,
  places: Int32Array,
  container: Uint8Array,
): number {
  if (buf !== viewOf) {
    viewOf = buf;
    view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  }
  const v = view;
  let depth = 0;
  let state = VALUE;
  let i = start;
  let h = h0;
  let next = h < h1 ? starts[h]! : end;
  /** The current top-level key is the container. */
  let inside = false;
  let containers = 0;
  let escapedKey = false;
  for (;;) {
    let c = 0;
    while (i < end && ((c = buf[i]!) === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d)) i++;
    if (i >= end) {
      if (state !== AFTER || depth !== 0) return NOT_JSON;
      for (; h < h1; h++) places[h - h0] = NOT_KEY;
      return containers > 1 ? CONTAINER_TWICE : escapedKey ? ESCAPED_KEY : PLACED;
    }
    if (c === 0x22) {
      if (state === AFTER) return NOT_JSON;
      const at = i;
      let escaped = false;
      i++;
      // the string's text: plain text 4 bytes a step (no byte below 0x20, no quote, no backslash;
      // each test is exact for the lowest byte it flags: a borrow only carries upwards), then the
      // flagged byte
      for (;;) {
        while (i + 4 <= end) {
          const x = v.getInt32(i, true);
          const q = x ^ 0x22222222;
          const b = x ^ 0x5c5c5c5c;
          const m =
            (((x - 0x20202020) & ~x) | ((q - 0x01010101) & ~q) | ((b - 0x01010101) & ~b)) & 0x80808080;
          if (m !== 0) {
            i += (31 - Math.clz32(m & -m)) >> 3;
            break;
          }
          i += 4;
        }
        if (i >= end) return NOT_JSON;
        const s = buf[i]!;
        if (s === 0x22) break;
        if (s === 0x5c) {
          escaped = true;
          const e = i + 1 < end ? buf[i + 1]! : 0;
          if (ESCAPE[e] === 1) i += 2;
          else if (e === 0x75 && i + 5 < end && isHex4(buf, i + 2)) i += 6;
          else return NOT_JSON;
        } else if (s < 0x20) return NOT_JSON;
        else i++; // (the last 1-3 bytes of the range)
      }
      const close = i++;
      if (state === KEY) {
        while (i < end && ((c = buf[i]!) === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d)) i++;
        if (i >= end || buf[i] !== 0x3a) return NOT_JSON;
        i++;
        state = VALUE;
        if (depth === 1) {
          inside =
            !escaped &&
            container.length > 0 &&
            close - at - 1 === container.length &&
            sameBytes(buf, at + 1, container);
          if (inside) containers++;
        }
        // a key written with escapes may decode to one the full reader reads, at any depth (a host
        // name under _shodan.options, say): such a line is the full reader's
        if (escaped) escapedKey = true;
        if (next <= at) {
          // hits before this key were inside strings
          for (; next < at; next = ++h < h1 ? starts[h]! : end) places[h - h0] = NOT_KEY;
          if (next === at && h < h1) {
            places[h - h0] = depth === 1 ? TOP_KEY : depth === 2 && inside ? IN_CONTAINER : DEEP_KEY;
            next = ++h < h1 ? starts[h]! : end;
          }
        }
      } else state = AFTER;
      continue;
    }
    if (state === AFTER) {
      if (depth === 0) return NOT_JSON; // more after the whole text
      if (c === 0x2c) state = closers[depth - 1] === 0x7d ? KEY : VALUE;
      else if (c === closers[depth - 1]) depth--;
      else return NOT_JSON;
      i++;
      continue;
    }
    if (state === KEY) return NOT_JSON;
    if (c === 0x7b || c === 0x5b) {
      if (depth === MAX_DEPTH) return NOT_JSON;
      const closer = c === 0x7b ? 0x7d : 0x5d;
      i++;
      while (i < end && ((c = buf[i]!) === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d)) i++;
      if (i < end && buf[i] === closer) {
        i++; // {} or []
        state = AFTER;
      } else {
        closers[depth++] = closer;
        state = closer === 0x7d ? KEY : VALUE;
      }
      continue;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) i = numberEnd(buf, i, end);
    else if (c === 0x74)
      i = literalEnd(buf, i, end, 0x72, 0x75, 0x65, -1); // true
    else if (c === 0x66)
      i = literalEnd(buf, i, end, 0x61, 0x6c, 0x73, 0x65); // false
    else if (c === 0x6e)
      i = literalEnd(buf, i, end, 0x75, 0x6c, 0x6c, -1); // null
    else return NOT_JSON;
    if (i < 0) return NOT_JSON;
    state = AFTER;
  }
}

/** Whether `buf` holds the bytes of `name` at `at`. */
function sameBytes(buf: Uint8Array, at: number, name: Uint8Array): boolean {
  for (let k = 0; k < name.length; k++) if (buf[at + k] !== name[k]) return false;
  return true;
}

function isHex4(buf: Uint8Array, i: number): boolean {
  return HEX[buf[i]!] === 1 && HEX[buf[i + 1]!] === 1 && HEX[buf[i + 2]!] === 1 && HEX[buf[i + 3]!] === 1;
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

/** The literal at i whose next bytes are a, b, c (and d, unless -1): the offset after it, or -1. */
function literalEnd(
  buf: Uint8Array,
  i: number,
  end: number,
  a: number,
  b: number,
  c: number,
  d: number,
): number {
  const n = d < 0 ? 4 : 5;
  if (i + n > end || buf[i + 1] !== a || buf[i + 2] !== b || buf[i + 3] !== c) return -1;
  return d < 0 || buf[i + 4] === d ? i + n : -1;
}
