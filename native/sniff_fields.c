// Reading the values of a plain Shodan line's fields from its bytes (see sniff_fields.h); where
// each field stands is native/shodan_sniff.c's business.
#include <string.h>
#include "sniff_fields.h"

static int number_byte(uint8_t c) { return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'; }

int read_value(const uint8_t *b, size_t p, size_t end, int first_of_array, value_t *v) {
  if (first_of_array && p < end && b[p] == '[') {
    p++;
    while (p < end && space(b[p])) p++;
  }
  if (p >= end) return 0;
  if (b[p] == '"') {
    size_t q = p + 1;
    while (q < end && b[q] != '"' && b[q] != '\\') q++;
    if (q >= end || b[q] == '\\') return 0;
    v->kind = V_STRING;
    v->start = p + 1;
    v->end = q;
    return 1;
  }
  if ((b[p] >= '0' && b[p] <= '9') || b[p] == '-') {
    size_t q = p + 1;
    while (q < end && number_byte(b[q])) q++;
    v->kind = V_NUMBER;
    v->start = p;
    v->end = q;
    return 1;
  }
  v->kind = V_NULL; /* null, true, an object...: no value, as in JavaScript */
  return 1;
}

int digits(const uint8_t *b, size_t from, size_t to) {
  if (from >= to) return 0;
  for (size_t i = from; i < to; i++) if (b[i] < '0' || b[i] > '9') return 0;
  return 1;
}

int shodan_time(const uint8_t *b, size_t s, size_t e, uint8_t *ts) {
  static const char shape[] = "dddd-dd-ddTdd:dd:dd";
  if (e - s < 19) return 0;
  for (int i = 0; i < 19; i++) {
    uint8_t c = b[s + i];
    if (shape[i] == 'd' ? !(c >= '0' && c <= '9') : c != (uint8_t)shape[i]) return 0;
  }
  int mon = (b[s + 5] - '0') * 10 + b[s + 6] - '0', day = (b[s + 8] - '0') * 10 + b[s + 9] - '0';
  int hour = (b[s + 11] - '0') * 10 + b[s + 12] - '0', min = (b[s + 14] - '0') * 10 + b[s + 15] - '0', sec = (b[s + 17] - '0') * 10 + b[s + 18] - '0';
  if (mon < 1 || mon > 12 || day < 1 || day > 28 || hour > 23 || min > 59 || sec > 59) return 0;
  size_t p = s + 19, frac = 0;
  uint8_t ms[3] = { '0', '0', '0' };
  if (p < e && b[p] == '.') {
    p++;
    while (p < e && b[p] >= '0' && b[p] <= '9') {
      if (frac < 3) ms[frac] = b[p];
      frac++;
      p++;
    }
    if (frac < 1 || frac > 9) return 0;
  }
  if (p < e && b[p] == 'Z') p++;
  if (p != e) return 0;
  memcpy(ts, b + s, 19);
  ts[19] = '.';
  memcpy(ts + 20, ms, 3);
  ts[23] = 'Z';
  return 1;
}

int dotted_quad(const uint8_t *b, size_t s, size_t e) {
  if (e - s < 7 || e - s > 15) return 0;
  int parts = 0, value = 0, ndig = 0;
  for (size_t i = s; i <= e; i++) {
    uint8_t c = i < e ? b[i] : '.';
    if (c == '.') {
      if (ndig == 0 || value > 255) return 0;
      parts++;
      value = 0;
      ndig = 0;
    } else if (c >= '0' && c <= '9') {
      if (ndig > 0 && value == 0) return 0;
      value = value * 10 + (c - '0');
      if (++ndig > 3) return 0;
    } else return 0;
  }
  return parts == 4;
}

int64_t asn_of(const uint8_t *b, const value_t *v) {
  if (v->kind != V_STRING && v->kind != V_NUMBER) return -1;
  size_t s = v->start, e = v->end;
  if (v->kind == V_STRING) {
    /* JavaScript's trim knows more spaces than these: anything unusual is left to it */
    for (size_t i = s; i < e; i++) {
      uint8_t c = b[i];
      if (!((c >= '0' && c <= '9') || (c | 0x20) == 'a' || (c | 0x20) == 's' || space(c))) return -2;
    }
    while (s < e && space(b[s])) s++;
    while (e > s && space(b[e - 1])) e--;
    if (e - s >= 2 && (b[s] | 0x20) == 'a' && (b[s + 1] | 0x20) == 's') s += 2;
  }
  /* a number written otherwise (1e3, 25.0, -0) may still be a whole one to JavaScript: it decides */
  if (!digits(b, s, e)) return v->kind == V_NUMBER ? -2 : -1;
  if (e - s > 9) return -2;
  int64_t n = 0;
  for (size_t i = s; i < e; i++) n = n * 10 + (b[i] - '0');
  return n;
}

