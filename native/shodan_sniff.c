// Native reading of the few fields a not-Exchange Shodan banner contributes, for whole blocks of
// lines: the same rules as src/ingest/readers/shodan-sniff.ts, with one difference that keeps it
// simple: whatever that file would decode with care (escaped strings, odd numbers, timestamps
// other than Shodan's zone-less form with a day up to 28) makes the line "plain", and JavaScript
// parses it in full, which gives the same record. Field roles arrive from JavaScript per pattern
// id, so this file knows no key names.
#include "scanner.h"

enum { IP_STR, IPV6, PORT, TIMESTAMP, TRANSPORT, ASN, ORG, ISP, COUNTRY, CITY, REGION, HOSTNAMES, HOSTNAME, PRODUCT, TAGS, DATA, ROLES };
enum { LINE_EMPTY = 0, LINE_LITE = 1, LINE_ANCHOR = 2, LINE_PLAIN = 3 };
enum { V_NONE, V_NULL, V_STRING, V_NUMBER };
/* per lite record in `meta`: port, asn (-1 = none), udp, then offset and length in `out` of ip,
 * hostname, timestamp (normalised), country, region, city, org */
#define META 17

typedef struct {
  int kind;
  size_t start, end; /* string: inside the quotes; number: its characters */
} value_t;

static int space(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static int number_byte(uint8_t c) { return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'; }

/* The scalar at p (an array's first element for `first_of_array`); 0 = give the line to JavaScript. */
static int read_value(const uint8_t *b, size_t p, size_t end, int first_of_array, value_t *v) {
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

typedef struct {
  uint8_t *out;
  size_t cap, used;
} out_t;

/* Appends bytes to `out`; its offset, or -1 when full. */
static int32_t put(out_t *o, const uint8_t *src, size_t n) {
  if (o->used + n > o->cap) return -1;
  memcpy(o->out + o->used, src, n);
  o->used += n;
  return (int32_t)(o->used - n);
}

static int digits(const uint8_t *b, size_t from, size_t to) {
  if (from >= to) return 0;
  for (size_t i = from; i < to; i++) if (b[i] < '0' || b[i] > '9') return 0;
  return 1;
}

/* Shodan's zone-less UTC form, normalised to milliseconds and "Z" into `ts` (24 bytes); 0 = not it. */
static int shodan_time(const uint8_t *b, size_t s, size_t e, uint8_t *ts) {
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

/* A dotted quad as isIpAddress (core/values.ts) takes it; anything else (IPv6 too) JavaScript checks. */
static int dotted_quad(const uint8_t *b, size_t s, size_t e) {
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

/* "AS3320", " 3320 ", 3320 -> 3320; anything else -1 (as parseAsn's undefined); -2 = JavaScript decides. */
static int64_t asn_of(const uint8_t *b, const value_t *v) {
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
  if (!digits(b, s, e)) return -1;
  if (e - s > 9) return -2;
  int64_t n = 0;
  for (size_t i = s; i < e; i++) n = n * 10 + (b[i] - '0');
  return n;
}

/* The first quote, backslash or control byte (< 0x20) at or after p; e if none. */
static size_t text_stop(const uint8_t *b, size_t p, size_t e) {
#if HAVE_X86
  const __m128i quote = _mm_set1_epi8('"'), slash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1f);
  for (; p + 16 <= e; p += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(b + p));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, slash)), _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl));
    int mask = _mm_movemask_epi8(hit);
    if (mask) return p + (size_t)__builtin_ctz((unsigned)mask);
  }
#endif
  while (p < e && b[p] != '"' && b[p] != '\\' && b[p] >= 0x20) p++;
  return p;
}

static int hex_digit(uint8_t c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }
/* The number at p (-? int frac? exp?): the offset after it, or 0 (never a valid end: a number follows a byte). */
static size_t number_end(const uint8_t *b, size_t p, size_t e) {
  if (b[p] == '-') p++;
  if (p >= e) return 0;
  if (b[p] == '0') p++;
  else if (b[p] >= '1' && b[p] <= '9') while (p < e && b[p] >= '0' && b[p] <= '9') p++;
  else return 0;
  if (p < e && b[p] == '.') {
    size_t from = ++p;
    while (p < e && b[p] >= '0' && b[p] <= '9') p++;
    if (p == from) return 0;
  }
  if (p < e && (b[p] | 0x20) == 'e') {
    p++;
    if (p < e && (b[p] == '+' || b[p] == '-')) p++;
    size_t from = p;
    while (p < e && b[p] >= '0' && b[p] <= '9') p++;
    if (p == from) return 0;
  }
  return p;
}

/* Whether [s, e) is one JSON text as JSON.parse takes it once decoded (invalid UTF-8 becomes
 * U+FFFD: text in a string, a refused token outside one, so it needs no check here). A line the
 * reader would take is checked whole: one JSON.parse refuses goes to JavaScript, which reports it.
 * 0 also for nesting deeper than 64 (JavaScript decides). */
static int json_text(const uint8_t *b, size_t s, size_t e) {
  enum { VALUE, KEY, AFTER };
  uint8_t closers[64];
  int depth = 0, state = VALUE;
  size_t p = s;
  for (;;) {
    while (p < e && space(b[p])) p++;
    if (p >= e) return state == AFTER && depth == 0;
    uint8_t c = b[p];
    if (c == '"') {
      if (state == AFTER) return 0;
      for (p = text_stop(b, p + 1, e); p < e && b[p] != '"'; p = text_stop(b, p, e)) {
        if (b[p] != '\\' || p + 1 >= e) return 0; /* a control byte, or a backslash at the end */
        uint8_t x = b[p + 1];
        if (x == '"' || x == '\\' || x == '/' || x == 'b' || x == 'f' || x == 'n' || x == 'r' || x == 't') p += 2;
        else if (x == 'u' && p + 5 < e && hex_digit(b[p + 2]) && hex_digit(b[p + 3]) && hex_digit(b[p + 4]) && hex_digit(b[p + 5])) p += 6;
        else return 0;
      }
      if (p >= e) return 0;
      p++;
      if (state == KEY) {
        while (p < e && space(b[p])) p++;
        if (p >= e || b[p] != ':') return 0;
        p++;
        state = VALUE;
      } else state = AFTER;
      continue;
    }
    if (state == AFTER) {
      if (depth == 0) return 0;
      if (c == ',') state = closers[depth - 1] == '}' ? KEY : VALUE;
      else if (c == closers[depth - 1]) depth--;
      else return 0;
      p++;
      continue;
    }
    if (state == KEY) return 0;
    if (c == '{' || c == '[') {
      uint8_t closer = c == '{' ? '}' : ']';
      if (depth == 64) return 0;
      p++;
      while (p < e && space(b[p])) p++;
      if (p < e && b[p] == closer) p++, state = AFTER; /* {} or [] */
      else closers[depth++] = closer, state = closer == '}' ? KEY : VALUE;
      continue;
    }
    if (c == '-' || (c >= '0' && c <= '9')) p = number_end(b, p, e);
    else if (c == 't') p = p + 4 <= e && memcmp(b + p, "true", 4) == 0 ? p + 4 : 0;
    else if (c == 'f') p = p + 5 <= e && memcmp(b + p, "false", 5) == 0 ? p + 5 : 0;
    else if (c == 'n') p = p + 4 <= e && memcmp(b + p, "null", 4) == 0 ? p + 4 : 0;
    else return 0;
    if (p == 0) return 0;
    state = AFTER;
  }
}

/* One line [s, e) without anchors: 1 = a lite record was written, 0 = JavaScript parses it, -1 = out of room. */
static int sniff_line(const uint8_t *b, size_t s, size_t e, const int32_t *ids, const int32_t *starts, size_t h0, size_t h1,
                      const int32_t *roles, size_t nroles, const int32_t *len, int32_t *meta, out_t *o) {
  while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t' || b[e - 1] == '\r')) e--;
  if (e - s < 2 || b[s] != '{' || b[e - 1] != '}') return 0;
  value_t v[ROLES];
  for (int r = 0; r < ROLES; r++) v[r].kind = V_NONE;
  for (size_t h = h0; h < h1; h++) {
    int32_t id = ids[h];
    if (id < 0 || (size_t)id >= nroles || roles[id] < 0 || roles[id] >= ROLES) return 0;
    int role = roles[id];
    size_t at = (size_t)starts[h];
    if (at > s && b[at - 1] == '\\') return 0;
    size_t p = at + (size_t)len[id];
    while (p < e && space(b[p])) p++;
    if (p >= e || b[p] != ':') continue; /* a string value that reads like a key */
    p++;
    while (p < e && space(b[p])) p++;
    if (role == DATA) {
      if (p < e && b[p] == '[') return 0; /* host-API record: banners in data[] */
      continue;
    }
    /* nested, source claims, or a host name whose place (the full reader takes _shodan.options.hostname only) is unknown here */
    if (v[role].kind != V_NONE || role == PRODUCT || role == TAGS || role == HOSTNAME) return 0;
    if (!read_value(b, p, e, role == HOSTNAMES, &v[role])) return 0;
    /* the full reader takes a number only for the port, the ASN and the time: elsewhere it is no text */
    if (v[role].kind == V_NUMBER && role != PORT && role != ASN && role != TIMESTAMP) return 0;
  }
  const value_t *ip = v[IPV6].kind == V_STRING || v[IPV6].kind == V_NUMBER ? &v[IPV6] : &v[IP_STR];
  if (!(ip->kind == V_STRING || ip->kind == V_NUMBER) || !dotted_quad(b, ip->start, ip->end)) return 0;
  /* the port: plain digits, as a number or a string */
  const value_t *pv = &v[PORT];
  if (!(pv->kind == V_STRING || pv->kind == V_NUMBER) || !digits(b, pv->start, pv->end) || pv->end - pv->start > 5) return 0;
  int32_t port = 0;
  for (size_t i = pv->start; i < pv->end; i++) port = port * 10 + (b[i] - '0');
  if (port > 65535) return 0;
  uint8_t ts[24];
  size_t tslen = 0;
  if (v[TIMESTAMP].kind == V_STRING) {
    if (!shodan_time(b, v[TIMESTAMP].start, v[TIMESTAMP].end, ts)) return 0;
    tslen = 24;
  } else if (v[TIMESTAMP].kind == V_NUMBER) return 0;
  int64_t asn = asn_of(b, &v[ASN]);
  if (asn == -2) return 0;
  if (!json_text(b, s, e)) return 0;
  int udp = v[TRANSPORT].kind == V_STRING && v[TRANSPORT].end - v[TRANSPORT].start == 3 && memcmp(b + v[TRANSPORT].start, "udp", 3) == 0;
  /* strings as JavaScript's `a || b || ''` picks them (numbers are their text) */
  const value_t *host = &v[HOSTNAMES];
  const value_t *org = (v[ORG].kind >= V_STRING && v[ORG].end > v[ORG].start) ? &v[ORG] : &v[ISP];
  const value_t *fields[5] = { ip, host, &v[COUNTRY], &v[REGION], &v[CITY] };
  static const int slots[5] = { 3, 5, 9, 11, 13 };
  meta[0] = port;
  meta[1] = (int32_t)asn;
  meta[2] = udp;
  for (int f = 0; f < 5; f++) {
    int slot = slots[f];
    const value_t *x = fields[f];
    size_t n = x->kind >= V_STRING ? x->end - x->start : 0;
    int32_t off = put(o, b + (n ? x->start : s), n);
    if (off < 0) return -1;
    meta[slot] = off;
    meta[slot + 1] = (int32_t)n;
  }
  int32_t toff = put(o, ts, tslen);
  if (toff < 0) return -1;
  meta[7] = toff;
  meta[8] = (int32_t)tslen;
  size_t on = org->kind >= V_STRING ? org->end - org->start : 0;
  int32_t ooff = put(o, b + (on ? org->start : s), on);
  if (ooff < 0) return -1;
  meta[15] = ooff;
  meta[16] = (int32_t)on;
  return 1;
}

/* sniffBlock(scanner, buf, start, end, roles: Int32Array, lines: Int32Array, meta: Int32Array, out: Uint8Array):
 * every line of [start, end): (kind, start, stop) triples in `lines`; lite records in `meta` and `out`.
 * Returns the number of lines, or -1 when `lines`, `meta` or `out` is too small (grow them, call again). */
napi_value sniff_block(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_value result;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 8) {
    napi_throw_error(env, NULL, "block_scan.sniffBlock: 8 arguments expected");
    return NULL;
  }
  scanner_t *s;
  int64_t start64, end64;
  void *bufp, *rolep, *linep, *metap, *outp;
  size_t buflen, rolen, linen, metan, outn;
  if (napi_get_value_external(env, argv[0], (void **)&s) != napi_ok || napi_get_value_int64(env, argv[2], &start64) != napi_ok ||
      napi_get_value_int64(env, argv[3], &end64) != napi_ok || !typed_bytes(env, argv[1], &bufp, &buflen) || !typed_bytes(env, argv[4], &rolep, &rolen) ||
      !typed_bytes(env, argv[5], &linep, &linen) || !typed_bytes(env, argv[6], &metap, &metan) || !typed_bytes(env, argv[7], &outp, &outn)) {
    napi_throw_type_error(env, NULL, "block_scan.sniffBlock: bad arguments");
    return NULL;
  }
  if (!s || s->magic != SCANNER_MAGIC) {
    napi_throw_type_error(env, NULL, "block_scan.sniffBlock: not a scanner");
    return NULL;
  }
  if (start64 < 0 || end64 < start64 || (uint64_t)end64 > buflen || end64 > INT32_MAX) {
    napi_throw_range_error(env, NULL, "block_scan.sniffBlock: range outside the buffer");
    return NULL;
  }
  const uint8_t *b = (const uint8_t *)bufp;
  size_t lo = (size_t)start64, hi = (size_t)end64;
  /* every hit of the block first, into the scanner's scratch list */
  hits_t h = { s->scratch_ids, s->scratch_starts, s->scratch_cap, 0 };
  scan_range(s, b, lo, hi, &h);
  if (h.hits > s->scratch_cap) {
    size_t cap = h.hits * 2;
    int32_t *ids = (int32_t *)realloc(s->scratch_ids, cap * 4), *st = (int32_t *)realloc(s->scratch_starts, cap * 4);
    if (ids) s->scratch_ids = ids;
    if (st) s->scratch_starts = st;
    if (!ids || !st) {
      napi_throw_error(env, NULL, "block_scan: out of memory");
      return NULL;
    }
    s->scratch_cap = cap;
    h = (hits_t){ s->scratch_ids, s->scratch_starts, s->scratch_cap, 0 };
    scan_range(s, b, lo, hi, &h);
  }
  const int32_t *roles = (const int32_t *)rolep;
  size_t nroles = rolen / 4;
  int32_t *lines = (int32_t *)linep, *meta = (int32_t *)metap;
  size_t line_cap = linen / 12, meta_cap = metan / (4 * META), nlines = 0, nlite = 0, hit = 0;
  out_t o = { (uint8_t *)outp, outn, 0 };
  size_t p = lo;
  while (p < hi) {
    const uint8_t *nlp = (const uint8_t *)memchr(b + p, '\n', hi - p);
    size_t nl = nlp ? (size_t)(nlp - b) : hi;
    size_t stop = nl > p && b[nl - 1] == '\r' ? nl - 1 : nl;
    size_t h0 = hit;
    int anchor = 0;
    while (hit < h.hits && (size_t)s->scratch_starts[hit] < nl) {
      int32_t id = s->scratch_ids[hit];
      if ((size_t)id >= nroles || roles[id] < 0) anchor = 1;
      hit++;
    }
    if (nlines >= line_cap) return napi_create_int32(env, -1, &result) == napi_ok ? result : NULL;
    int kind = LINE_EMPTY;
    if (stop > p) {
      if (anchor || b[p] == 0) kind = LINE_ANCHOR; /* a NUL first byte: an oversized-line placeholder, for JavaScript */
      else if (nlite >= meta_cap) return napi_create_int32(env, -1, &result) == napi_ok ? result : NULL;
      else {
        int r = sniff_line(b, p, stop, s->scratch_ids, s->scratch_starts, h0, hit, roles, nroles, s->pat_len, meta + nlite * META, &o);
        if (r < 0) return napi_create_int32(env, -1, &result) == napi_ok ? result : NULL;
        kind = r ? LINE_LITE : LINE_PLAIN;
        if (r) nlite++;
      }
    }
    lines[nlines * 3] = kind;
    lines[nlines * 3 + 1] = (int32_t)p;
    lines[nlines * 3 + 2] = (int32_t)stop;
    nlines++;
    p = nl + 1;
  }
  if (napi_create_int32(env, (int32_t)nlines, &result) != napi_ok) return NULL;
  return result;
}
