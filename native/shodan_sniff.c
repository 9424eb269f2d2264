// Native reading of the few fields a not-Exchange Shodan banner contributes, for whole blocks of
// lines: the same rules as src/ingest/readers/shodan-fast.ts (each field only where the full
// reader reads it: the top level, or the top-level `location` object for the geo), with one
// difference that keeps it simple: whatever that file would decode with care (escaped strings,
// odd numbers, timestamps other than Shodan's zone-less form with a day up to 28) makes the line
// "plain", and JavaScript parses it in full, which gives the same record. Field roles arrive
// from JavaScript per pattern id, so this file knows no key names.
#include "scanner.h"
#include "sniff_fields.h"

enum { IP_STR, IPV6, PORT, TIMESTAMP, TRANSPORT, ASN, ORG, ISP, COUNTRY, CITY, REGION, HOSTNAMES, HOSTNAME, PRODUCT, TAGS, DATA, LOCATION, ROLES };
enum { LINE_EMPTY = 0, LINE_LITE = 1, LINE_ANCHOR = 2, LINE_PLAIN = 3 };
/* per lite record in `meta`: port, asn (-1 = none), udp, then offset and length in `out` of ip,
 * hostname, timestamp (normalised), country, region, city, org */
#define META 17

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

/* The hits of one line's key patterns, and the values read at the keys the full reader reads. */
typedef struct {
  const int32_t *ids, *starts, *roles;
  size_t h, h1;
  value_t v[ROLES];
  int locations; /* top-level keys named as the container */
  uint32_t seen; /* roles met as keys, at any depth */
  int top;       /* LOCATION: the current top-level key is the geo's object (the container); else -1 */
  const uint8_t *container; /* its name */
  size_t container_len;
  size_t next;   /* start of hit h */
} keys_t;

/* The key at `at` (its value at or after p) stands where the full reader (readers/shodan.ts) reads
 * it: the top level (`top` < 0), or the top-level `location` object (`top` = LOCATION) for the
 * geo. Reads its value; 0 = JavaScript parses the line. */
__attribute__((noinline)) static int take_key(keys_t *k, int role, const uint8_t *b, size_t p, size_t e, int top) {
  while (p < e && space(b[p])) p++;
  if (p >= e) return 0;
  if (top == LOCATION) {
    if (role != COUNTRY && role != CITY && role != REGION) return 1;
  } else if (role == COUNTRY || role == CITY || role == REGION) return 1; /* no geo outside location */
  if (role == DATA) return b[p] != '['; /* host-API record: banners in data[] */
  /* seen twice, or source claims (product, tags) */
  value_t *v = &k->v[role];
  if (v->kind != V_NONE || role == PRODUCT || role == TAGS) return 0;
  uint8_t c = b[p];
  int scalar = c == '"' || c == 'n' || c == '-' || (c >= '0' && c <= '9');
  /* a city that is true, an object...: geo without a city to JavaScript; such a time is text */
  if ((role == CITY || role == TIMESTAMP) && !scalar) return 0;
  if (role == HOSTNAMES && c != '[') { /* not an array: no host name */
    v->kind = V_NULL;
    return 1;
  }
  if (!read_value(b, p, e, role == HOSTNAMES, v)) return 0;
  /* the full reader takes a number only for the port, the ASN and the time: elsewhere it is no text */
  return !(v->kind == V_NUMBER && role != PORT && role != ASN && role != TIMESTAMP);
}

/* The key at `at` (escaped: written with escapes), `depth` objects down, its value at p: passes
 * the hits before it (inside strings), and takes its own hit, if any, where the full reader reads
 * it. Out of the scanning loop: most keys are no hit. 0 = JavaScript parses the line. */
static int place_key(keys_t *k, const uint8_t *b, size_t at, size_t p, size_t e, int depth, int escaped) {
  int role = -1;
  size_t next = k->next;
  while (next < at) next = ++k->h < k->h1 ? (size_t)k->starts[k->h] : (size_t)-1;
  if (next == at) {
    role = k->roles[k->ids[k->h]];
    next = ++k->h < k->h1 ? (size_t)k->starts[k->h] : (size_t)-1;
  }
  k->next = next;
  if (escaped) return 0; /* it may decode to a key the full reader reads, at any depth (_shodan.options.hostname) */
  if (role < 0) return 1;
  if (role == HOSTNAME) return 0; /* the full reader takes _shodan.options.hostname only: unknown here */
  /* a key twice, wherever: JavaScript decides (not data: http.redirects[].data is common) */
  if (role != DATA) {
    if (k->seen & (1u << role)) return 0;
    k->seen |= 1u << role;
  }
  if (depth == 1) return take_key(k, role, b, p, e, -1);
  return depth == 2 && k->top == LOCATION ? take_key(k, role, b, p, e, LOCATION) : 1;
}

/* Whether [s, e) is one JSON text as JSON.parse takes it once decoded (invalid UTF-8 becomes
 * U+FFFD: text in a string, a refused token outside one, so it needs no check here). A line the
 * reader would take is checked whole: one JSON.parse refuses goes to JavaScript, which reports it.
 * 0 also for nesting deeper than 64 (JavaScript decides). On the way, each key hit that is a key
 * goes to take_key with its place (a key written with escapes, or a host name, anywhere: 0);
 * hits inside strings are passed over. */
static int json_keys(const uint8_t *b, size_t s, size_t e, keys_t *k) {
  enum { VALUE, KEY, AFTER };
  uint8_t closers[64];
  int depth = 0, state = VALUE;
  size_t p = s, next = k->h < k->h1 ? (size_t)k->starts[k->h] : (size_t)-1;
  for (;;) {
    while (p < e && space(b[p])) p++;
    if (p >= e) return state == AFTER && depth == 0;
    uint8_t c = b[p];
    if (c == '"') {
      if (state == AFTER) return 0;
      size_t at = p;
      int escaped = 0;
      for (p = text_stop(b, p + 1, e); p < e && b[p] != '"'; p = text_stop(b, p, e)) {
        if (b[p] != '\\' || p + 1 >= e) return 0; /* a control byte, or a backslash at the end */
        uint8_t x = b[p + 1];
        escaped = 1;
        if (x == '"' || x == '\\' || x == '/' || x == 'b' || x == 'f' || x == 'n' || x == 'r' || x == 't') p += 2;
        else if (x == 'u' && p + 5 < e && hex_digit(b[p + 2]) && hex_digit(b[p + 3]) && hex_digit(b[p + 4]) && hex_digit(b[p + 5])) p += 6;
        else return 0;
      }
      if (p >= e) return 0;
      size_t close = p++;
      if (state == KEY) {
        while (p < e && space(b[p])) p++;
        if (p >= e || b[p] != ':') return 0;
        p++;
        state = VALUE;
        if (depth == 1) {
          k->top = -1;
          if (!escaped && k->container_len && close - at - 1 == k->container_len && memcmp(b + at + 1, k->container, k->container_len) == 0) {
            if (k->locations++) return 0; /* twice: JSON.parse keeps the last */
            k->top = LOCATION;
          }
        }
        if (next <= at || escaped) { /* a hit, or a key that may decode to one */
          k->next = next;
          if (!place_key(k, b, at, p, e, depth, escaped)) return 0;
          next = k->next;
        }
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
                      const int32_t *roles, size_t nroles, const uint8_t *container, size_t container_len, int32_t *meta, out_t *o) {
  while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t' || b[e - 1] == '\r')) e--;
  if (e - s < 2 || b[s] != '{' || b[e - 1] != '}') return 0;
  for (size_t h = h0; h < h1; h++)
    if (ids[h] < 0 || (size_t)ids[h] >= nroles || roles[ids[h]] < 0 || roles[ids[h]] >= ROLES) return 0;
  keys_t k = { ids, starts, roles, h0, h1, { { 0 } }, 0, 0, -1, container, container_len, 0 };
  for (int r = 0; r < ROLES; r++) k.v[r].kind = V_NONE;
  if (!json_keys(b, s, e, &k)) return 0;
  const value_t *v = k.v;
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
  /* after the patterns' roles: the length and bytes of the container's name (the geo's object) */
  uint8_t name[32];
  size_t npat = (size_t)s->patterns, name_len = 0;
  if (nroles > npat && roles[npat] > 0 && roles[npat] <= 32 && npat + 1 + (size_t)roles[npat] <= nroles) {
    name_len = (size_t)roles[npat];
    for (size_t i = 0; i < name_len; i++) name[i] = (uint8_t)roles[npat + 1 + i];
  }
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
        int r = sniff_line(b, p, stop, s->scratch_ids, s->scratch_starts, h0, hit, roles, nroles, name, name_len, meta + nlite * META, &o);
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
