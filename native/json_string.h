/* JSON strings for native/json_skeleton.c: validated (and, for whitelisted values, decoded) in
 * 16-byte steps whose one load serves both the search for the string's stop bytes ('"', '\\',
 * control bytes) and the copy, bytes past the line's end being read only inside the buffer. */
#ifndef EXCENSUS_JSON_STRING_H
#define EXCENSUS_JSON_STRING_H
#include "scanner.h"

/* The byte a two-character escape stands for; 0: no such escape ("\u" is read apart). */
static const uint8_t ESCAPED[256] = {
  ['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b', ['f'] = '\f', ['n'] = '\n', ['r'] = '\r', ['t'] = '\t',
};
/* Hex digit values plus 1; 0: not a hex digit. */
static const uint8_t HEX1[256] = {
  ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
  ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
  ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* The code unit of the 4 hex digits at h, or -1. */
static inline int hex4(const uint8_t *h) {
  int a = HEX1[h[0]], b = HEX1[h[1]], c = HEX1[h[2]], d = HEX1[h[3]];
  if (!a || !b || !c || !d) return -1;
  return ((a - 1) << 12) | ((b - 1) << 8) | ((c - 1) << 4) | (d - 1);
}

static inline int stop_byte(uint8_t x) { return x == '"' || x == '\\' || x < 0x20; }

#if HAVE_X86
/* Bit i set: byte i of v is '"', '\\' or a control byte. */
static inline int stop_mask(__m128i v) {
  const __m128i quote = _mm_set1_epi8('"'), slash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1f);
  return _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, slash)),
                                        _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl)));
}
#endif

/* The escape at b[q] (q < end, b[q] == '\\') checked; the bytes it takes (0: invalid) and its
 * code unit in *unit. */
static inline size_t escape_at(const uint8_t *b, size_t q, size_t end, int *unit) {
  if (q + 1 >= end) return 0;
  uint8_t e = b[q + 1];
  if (e == 'u') {
    if (q + 6 > end) return 0;
    *unit = hex4(b + q + 2);
    return *unit < 0 ? 0 : 6;
  }
  *unit = ESCAPED[e];
  return *unit ? 2 : 0;
}

#if HAVE_X86
/* Bit i set: byte b[i] (i < 64) is a stop byte; *top: bit i set for bytes >= 0x80. */
static inline uint64_t stops64(const uint8_t *b, uint64_t *top) {
  uint64_t m = 0, h = 0;
  for (int k = 0; k < 4; k++) {
    __m128i v = _mm_loadu_si128((const __m128i *)(b + 16 * k));
    m |= (uint64_t)(uint32_t)stop_mask(v) << (16 * k);
    h |= (uint64_t)(uint32_t)_mm_movemask_epi8(v) << (16 * k);
  }
  *top = h;
  return m;
}
#endif

/* The string whose opening quote is at *p, validated (not decoded): *p is set past its closing
 * quote, *escaped = 1 if it holds an escape. 0 if it is not a valid string inside the line
 * [.., end); the buffer's bytes up to `limit` may be read. Its stop bytes are found 64 bytes at a
 * time, then taken in turn from the window's mask: an escape-dense string (HTML: ~200 escapes in
 * 3 KB) costs no new search per escape. */
static inline int skip_string(const uint8_t *b, size_t *p, size_t end, size_t limit, int *escaped) {
  size_t q = *p + 1;
  int esc = 0, unit;
#if HAVE_X86
  while (q + 64 <= limit) {
    uint64_t top, stops = stops64(b + q, &top);
    while (stops) {
      int at = __builtin_ctzll(stops);
      if (b[q + (size_t)at] != '\\') {
        q += (size_t)at;
        goto found;
      }
      size_t n = escape_at(b, q + (size_t)at, end, &unit);
      if (!n) return 0;
      esc = 1;
      size_t next = (size_t)at + n;
      if (next >= 64) {
        q += next;
        goto next_window;
      }
      stops &= ~(uint64_t)0 << next;
    }
    q += 64;
  next_window:
    if (q >= end) return 0;
  }
#endif
  for (;;) {
    while (q < end && !stop_byte(b[q])) q++;
    if (q >= end || b[q] != '\\') break;
    size_t n = escape_at(b, q, end, &unit);
    if (!n) return 0;
    esc = 1;
    q += n;
  }
#if HAVE_X86
found:
#endif
  if (q >= end || b[q] != '"') return 0;
  *p = q + 1;
  *escaped = esc;
  return 1;
}

/* Copies the n bytes at src to t in 16-byte steps (both have 16 bytes of room past n). */
static inline void copy16(uint8_t *t, const uint8_t *src, size_t n) {
#if HAVE_X86
  for (size_t i = 0; i < n; i += 16) _mm_storeu_si128((__m128i *)(t + i), _mm_loadu_si128((const __m128i *)(src + i)));
#else
  memcpy(t, src, n);
#endif
}

/* As skip_string, and the string's text, escapes decoded, is written at dst (which has room for
 * the line's bytes from *p on plus 16) when it is ASCII throughout: *len = its length, else -1. */
static inline int decode_string(const uint8_t *b, size_t *p, size_t end, size_t limit, uint8_t *dst, int64_t *len,
                                int *escaped) {
  size_t q = *p + 1;
  uint8_t *t = dst;
  int esc = 0, unit;
  uint64_t high = 0;
#if HAVE_X86
  while (q + 80 <= limit) { /* (copy16 reads up to 16 bytes past the window) */
    uint64_t top, stops = stops64(b + q, &top);
    size_t run = 0; /* the window's bytes before `run` are in dst */
    while (stops) {
      int at = __builtin_ctzll(stops);
      /* (a stop inside the line: the copy stays inside dst's room) */
      if (q + (size_t)at >= end) return 0;
      copy16(t, b + q + run, (size_t)at - run);
      t += (size_t)at - run;
      if (b[q + (size_t)at] != '\\') {
        high |= top & ((((uint64_t)1) << at) - 1);
        q += (size_t)at;
        goto found;
      }
      size_t n = escape_at(b, q + (size_t)at, end, &unit);
      if (!n) return 0;
      esc = 1;
      high |= unit >= 0x80;
      *t++ = (uint8_t)unit;
      run = (size_t)at + n;
      if (run >= 64) break;
      stops &= ~(uint64_t)0 << run;
    }
    if (!stops) {
      /* no stop byte left in the window: the rest of it is text */
      if (q + 64 >= end) return 0;
      copy16(t, b + q + run, 64 - run);
      t += 64 - run;
      run = 64;
    }
    high |= top; /* (the window's bytes are all the string's) */
    q += run;
  }
#endif
  for (;;) {
    while (q < end && !stop_byte(b[q])) {
      high |= b[q] & 0x80;
      *t++ = b[q++];
    }
    if (q >= end || b[q] != '\\') break;
    size_t n = escape_at(b, q, end, &unit);
    if (!n) return 0;
    esc = 1;
    high |= unit >= 0x80;
    *t++ = (uint8_t)unit;
    q += n;
  }
#if HAVE_X86
found:
#endif
  if (q >= end || b[q] != '"') return 0;
  *p = q + 1;
  *escaped = esc;
  *len = high ? -1 : (int64_t)(t - dst);
  return 1;
}
#endif
