// The values a plain Shodan line contributes, read from its bytes (native/sniff_fields.c): shared
// by native/shodan_sniff.c, which finds where they stand.
#ifndef EXCENSUS_SNIFF_FIELDS_H
#define EXCENSUS_SNIFF_FIELDS_H
#include <stddef.h>
#include <stdint.h>

enum { V_NONE, V_NULL, V_STRING, V_NUMBER };

typedef struct {
  int kind;
  size_t start, end; /* string: inside the quotes; number: its characters */
} value_t;

static inline int space(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* The scalar at p (an array's first element for `first_of_array`); 0 = give the line to JavaScript. */
int read_value(const uint8_t *b, size_t p, size_t end, int first_of_array, value_t *v);
/* Whether [from, to) is one or more ASCII digits. */
int digits(const uint8_t *b, size_t from, size_t to);
/* Shodan's zone-less UTC form, normalised to milliseconds and "Z" into `ts` (24 bytes); 0 = not it. */
int shodan_time(const uint8_t *b, size_t s, size_t e, uint8_t *ts);
/* A dotted quad as isIpAddress (core/values.ts) takes it; anything else (IPv6 too) JavaScript checks. */
int dotted_quad(const uint8_t *b, size_t s, size_t e);
/* "AS3320", " 3320 ", 3320 -> 3320; anything else -1 (as parseAsn's undefined); -2 = JavaScript decides. */
int64_t asn_of(const uint8_t *b, const value_t *v);

#endif
