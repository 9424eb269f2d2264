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

/* The string whose opening quote is at *p, validated (not decoded): *p is set past its closing
 * quote, *escaped = 1 if it holds an escape. 0 if it is not a valid string inside the line
 * [.., end); the buffer's bytes up to `limit` may be read. */
static inline int skip_string(const uint8_t *b, size_t *p, size_t end, size_t limit, int *escaped) {
  size_t q = *p + 1;
  int esc = 0;
  for (;;) {
#if HAVE_X86
    for (;;) {
      if (q + 16 > limit) goto bytes;
      int mask = stop_mask(_mm_loadu_si128((const __m128i *)(b + q)));
      if (mask) { q += (size_t)__builtin_ctz((unsigned)mask); goto found; }
      q += 16;
      if (q >= end) return 0;
    }
  bytes:
#endif
    while (q < end && !stop_byte(b[q])) q++;
#if HAVE_X86
  found:
#endif
    if (q >= end || b[q] < 0x20) return 0;
    if (b[q] == '"') break;
    int unit;
    size_t n = escape_at(b, q, end, &unit);
    if (!n) return 0;
    esc = 1;
    q += n;
  }
  *p = q + 1;
  *escaped = esc;
  return 1;
}

/* As skip_string, and the string's text, escapes decoded, is written at dst (which has room for
 * the line's bytes from *p on plus 16) when it is ASCII throughout: *len = its length, else -1. */
static inline int decode_string(const uint8_t *b, size_t *p, size_t end, size_t limit, uint8_t *dst, int64_t *len,
                                int *escaped) {
  size_t q = *p + 1;
  uint8_t *t = dst;
  int esc = 0, high = 0;
  for (;;) {
#if HAVE_X86
    for (;;) {
      if (q + 16 > limit) goto bytes;
      __m128i v = _mm_loadu_si128((const __m128i *)(b + q));
      _mm_storeu_si128((__m128i *)t, v); /* (q < end here: t + 16 stays in the room) */
      int mask = stop_mask(v), top = _mm_movemask_epi8(v);
      if (mask) {
        int at = __builtin_ctz((unsigned)mask);
        high |= top & ((1 << at) - 1);
        q += (size_t)at;
        t += at;
        goto found;
      }
      high |= top;
      q += 16;
      t += 16;
      if (q >= end) return 0;
    }
  bytes:
#endif
    while (q < end && !stop_byte(b[q])) {
      high |= b[q] & 0x80;
      *t++ = b[q++];
    }
#if HAVE_X86
  found:
#endif
    if (q >= end || b[q] < 0x20) return 0;
    if (b[q] == '"') break;
    int unit;
    size_t n = escape_at(b, q, end, &unit);
    if (!n) return 0;
    esc = 1;
    high |= unit >= 0x80;
    *t++ = (uint8_t)unit;
    q += n;
  }
  *p = q + 1;
  *escaped = esc;
  *len = high ? -1 : (int64_t)(t - dst);
  return 1;
}
#endif
