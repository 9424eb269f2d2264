// Native "skeleton" reading of one JSON line (a Shodan banner of ~100 properties whose mapper reads
// a few): the whole line is validated as JSON.parse would, but only the values under the keys of a
// whitelist tree (from JavaScript: this file knows no key names) are described, in the line's
// order, for src/ingest/fast/skeleton-reader.ts to make: ASCII strings decoded here, integers of
// up to 15 digits, other values' bytes for JSON.parse. Whatever this file is not sure of (invalid
// JSON, an escaped key where keys are matched, deep nesting, full arrays) gives -1: the caller
// parses the line in full. One handle per thread.
#include "json_string.h"

/* A whitelist entry's child: a node's offset in `nodes`, or one of these. */
#define WHOLE (-1)       /* the value in full, whatever it is */
#define WHOLE_STRING (-2) /* the value in full, which must be a string (else give up) */
#define MAX_DEPTH 64

typedef struct {
  uint32_t magic;     /* SKELETON_MAGIC */
  int32_t *nodes;     /* per node: count, then (key index, child) pairs */
  uint8_t *key_bytes; /* UTF-8 of key k: key_bytes[key_start[k], key_start[k + 1]) */
  int32_t *key_start;
  int32_t keys;
} skeleton_t;

typedef struct {
  const skeleton_t *s;
  const uint8_t *b;
  size_t p, end;
  int depth;
  int32_t *out;     /* entries, 4 ints each */
  double *numbers;  /* per entry */
  size_t n, cap;
  size_t limit;     /* the buffer's length (16-byte reads stop short of it) */
  uint8_t *text;    /* ASCII string values, escapes decoded: short ones from 0, long ones from text_cap / 2 */
  size_t small_used, big_used, text_cap;
} cursor_t;

enum { OK = 0, GIVE_UP = 1 };
/* Entry kinds: how JavaScript makes the value: SK_OPEN / SK_ARRAY start an object / array that
 * ends at its SK_CLOSE; SK_SHORT / SK_LONG are decoded ASCII strings; SK_UTF8 a string's bytes;
 * SK_JSON a value's bytes for JSON.parse; SK_NUMBER an integer. */
enum { SK_OPEN, SK_ARRAY, SK_CLOSE, SK_SHORT, SK_LONG, SK_UTF8, SK_JSON, SK_NUMBER, SK_TRUE, SK_FALSE, SK_NULL };
/* A decoded string shorter than this is short: JavaScript makes all of a line's short strings with
 * one call and slices them (V8 copies slices under 13 characters; a longer one keeps the line's
 * short text, ~150-200 bytes a banner, alive: a call per string cost ~90 ns more) */
#define SHORT_STRING 64
#define NO_ENTRY (-1) /* read_value: a value no entry describes */
#define ELEMENT (-2)  /* read_value: an array element (its entry's key) */

static inline void ws(cursor_t *c) {
  while (c->p < c->end) {
    uint8_t x = c->b[c->p];
    if (x > ' ' || (x != ' ' && x != '\t' && x != '\n' && x != '\r')) return;
    c->p++;
  }
}

/* The end of the digits at p (p itself if none). */
static size_t digits(const uint8_t *b, size_t p, size_t end) {
  while (p < end && b[p] >= '0' && b[p] <= '9') p++;
  return p;
}

/* A number in JSON's grammar at c->p; *integer = its value when it is an integer of up to 15 digits
 * (exact as a double), else *simple = 0. */
static int read_number(cursor_t *c, int *simple, double *integer) {
  const uint8_t *b = c->b;
  size_t p = c->p + (b[c->p] == '-'), int_start = p;
  size_t int_end = p < c->end && b[p] == '0' ? p + 1 : digits(b, p, c->end);
  if (int_end == int_start) return GIVE_UP;
  p = int_end;
  if (p < c->end && b[p] == '.') {
    size_t q = digits(b, p + 1, c->end);
    if (q == p + 1) return GIVE_UP;
    p = q;
  }
  if (p < c->end && (b[p] == 'e' || b[p] == 'E')) {
    p++;
    if (p < c->end && (b[p] == '+' || b[p] == '-')) p++;
    size_t q = digits(b, p, c->end);
    if (q == p) return GIVE_UP;
    p = q;
  }
  *simple = p == int_end && int_end - int_start <= 15;
  if (*simple) {
    int64_t v = 0;
    for (size_t i = int_start; i < int_end; i++) v = v * 10 + (b[i] - '0');
    *integer = b[c->p] == '-' ? -(double)v : (double)v; /* "-0" gives -0 */
  }
  c->p = p;
  return OK;
}

/* Appends an entry; 0 when the arrays are full (the caller gives up). */
static int emit(cursor_t *c, int32_t kind, int32_t key, size_t from, size_t to) {
  if (c->n >= c->cap) return 0;
  int32_t *e = c->out + 4 * (1 + c->n++);
  e[0] = kind; e[1] = key; e[2] = (int32_t)from; e[3] = (int32_t)to;
  return 1;
}

static int read_value(cursor_t *c, int32_t key);

/* An object's members: keys matched against whitelist `node` when node >= 0, else only validated. */
static int read_object(cursor_t *c, int32_t node) {
  c->p++;
  ws(c);
  if (c->p < c->end && c->b[c->p] == '}') { c->p++; return OK; }
  for (;;) {
    ws(c);
    if (c->p >= c->end || c->b[c->p] != '"') return GIVE_UP;
    size_t kf = c->p + 1;
    int escaped;
    if (!skip_string(c->b, &c->p, c->end, c->limit, &escaped)) return GIVE_UP;
    int32_t child = WHOLE, k = -1;
    if (node >= 0) {
      if (escaped) return GIVE_UP; /* an escaped key could be a whitelisted one */
      size_t klen = c->p - 1 - kf;
      const int32_t *n = c->s->nodes + node;
      for (int32_t i = 0; i < n[0]; i++) {
        int32_t ki = n[1 + 2 * i];
        const int32_t *at = c->s->key_start + ki;
        const uint8_t *key = c->s->key_bytes + at[0];
        if ((size_t)(at[1] - at[0]) == klen && (klen == 0 || (key[0] == c->b[kf] && memcmp(key, c->b + kf, klen) == 0))) {
          k = ki;
          child = n[2 + 2 * i];
          break;
        }
      }
    }
    ws(c);
    if (c->p >= c->end || c->b[c->p] != ':') return GIVE_UP;
    c->p++;
    ws(c);
    if (k < 0) {
      if (read_value(c, NO_ENTRY) != OK) return GIVE_UP;
    } else if (child >= 0 && c->p < c->end && c->b[c->p] == '{') {
      /* a whitelisted object: its entries between OPEN and CLOSE */
      if (!emit(c, SK_OPEN, k, 0, 0) || ++c->depth > MAX_DEPTH || read_object(c, child) != OK || !emit(c, SK_CLOSE, k, 0, 0)) return GIVE_UP;
      c->depth--;
    } else {
      if (child == WHOLE_STRING && (c->p >= c->end || c->b[c->p] != '"')) return GIVE_UP;
      if (read_value(c, k) != OK) return GIVE_UP;
    }
    ws(c);
    if (c->p >= c->end) return GIVE_UP;
    if (c->b[c->p] == ',') { c->p++; continue; }
    if (c->b[c->p] == '}') { c->p++; return OK; }
    return GIVE_UP;
  }
}

/* An array's elements; with `entries`, each element is an entry (key ELEMENT) between
 * SK_ARRAY and SK_CLOSE. */
static int read_array(cursor_t *c, int entries, int32_t key) {
  if (entries && !emit(c, SK_ARRAY, key, 0, 0)) return GIVE_UP;
  c->p++;
  ws(c);
  if (c->p < c->end && c->b[c->p] == ']') c->p++;
  else
    for (;;) {
      ws(c);
      if (read_value(c, entries ? ELEMENT : NO_ENTRY) != OK) return GIVE_UP;
      ws(c);
      if (c->p >= c->end) return GIVE_UP;
      if (c->b[c->p] == ']') { c->p++; break; }
      if (c->b[c->p] != ',') return GIVE_UP;
      c->p++;
    }
  return !entries || emit(c, SK_CLOSE, key, 0, 0) ? OK : GIVE_UP;
}

/* The value at c->p (no white space before it), validated; an entry for whitelisted key `key`
 * (>= 0) or an array element (ELEMENT) tells JavaScript how to make it. */
static int read_value(cursor_t *c, int32_t key) {
  if (c->p >= c->end) return GIVE_UP;
  size_t from = c->p;
  uint8_t x = c->b[from];
  if (x == '"') {
    int escaped;
    if (key == NO_ENTRY) return skip_string(c->b, &c->p, c->end, c->limit, &escaped) ? OK : GIVE_UP;
    /* decoded into the back half of `text` (`room` bounds it, with copy_run's overshoot); a short
     * one then moves to the front, which JavaScript copies into one string and slices */
    size_t room = c->end - from + 16;
    if (c->big_used + room > c->text_cap / 2) return GIVE_UP;
    uint8_t *dst = c->text + c->text_cap / 2 + c->big_used;
    int64_t len;
    if (!decode_string(c->b, &c->p, c->end, c->limit, dst, &len, &escaped)) return GIVE_UP;
    if (len < 0) return emit(c, escaped ? SK_JSON : SK_UTF8, key, escaped ? from : from + 1, escaped ? c->p : c->p - 1) ? OK : GIVE_UP;
    if (len < SHORT_STRING) {
      size_t at = c->small_used;
      if (at + (size_t)len > c->text_cap / 2) return GIVE_UP;
      memcpy(c->text + at, dst, (size_t)len);
      c->small_used += (size_t)len;
      return emit(c, SK_SHORT, key, at, at + (size_t)len) ? OK : GIVE_UP;
    }
    size_t at = (size_t)(dst - c->text);
    c->big_used += (size_t)len;
    return emit(c, SK_LONG, key, at, at + (size_t)len) ? OK : GIVE_UP;
  }
  if (x == '-' || (x >= '0' && x <= '9')) {
    int simple;
    double v = 0;
    if (read_number(c, &simple, &v) != OK) return GIVE_UP;
    if (key == NO_ENTRY) return OK;
    if (!emit(c, simple ? SK_NUMBER : SK_JSON, key, from, c->p)) return GIVE_UP;
    c->numbers[c->n - 1] = v; /* (read for SK_NUMBER only) */
    return OK;
  }
  if (x == '{' || x == '[') {
    if (++c->depth > MAX_DEPTH) return GIVE_UP;
    int r = x == '{' ? read_object(c, WHOLE) : read_array(c, key != NO_ENTRY, key);
    c->depth--;
    /* an object taken whole: JSON.parse makes it from its text (keys, "__proto__" and all) */
    if (r != OK || key == NO_ENTRY || x == '[') return r;
    return emit(c, SK_JSON, key, from, c->p) ? OK : GIVE_UP;
  }
  const char *word = x == 't' ? "true" : x == 'f' ? "false" : x == 'n' ? "null" : NULL;
  size_t len = word ? strlen(word) : 0;
  if (!word || c->end - c->p < len || memcmp(c->b + c->p, word, len) != 0) return GIVE_UP;
  c->p += len;
  return key == NO_ENTRY || emit(c, x == 't' ? SK_TRUE : x == 'f' ? SK_FALSE : SK_NULL, key, from, c->p) ? OK : GIVE_UP;
}

static void finalize(napi_env env, void *data, void *hint) {
  skeleton_t *s = data;
  (void)env; (void)hint;
  if (s) free(s->nodes), free(s->key_bytes), free(s->key_start), free(s);
}

static void *copy_of(const void *src, size_t n) {
  void *p = malloc(n ? n : 1);
  if (p) memcpy(p, src, n);
  return p;
}

/* 1 if a node starts at `want` (the nodes before it are walked, not trusted). */
static int node_start(const int32_t *nodes, size_t ints, size_t want) {
  size_t at = 0;
  while (at < want && at < ints && nodes[at] >= 0) at += 1 + 2 * (size_t)nodes[at];
  return at == want && want < ints;
}

/* skeletonCompile(nodes: Int32Array, keyBytes: Uint8Array, keyStarts: Int32Array): a handle.
 * `nodes` holds per node its count of keys, then (key index, child) pairs, the root at 0; key k
 * is keyBytes[keyStarts[k], keyStarts[k + 1]) (UTF-8). */
napi_value skeleton_compile(napi_env env, napi_callback_info info) {
  size_t argc = 3, nbytes, kbytes, sbytes;
  napi_value argv[3], result;
  void *np, *kp, *sp;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 || !typed_bytes(env, argv[0], &np, &nbytes) ||
      !typed_bytes(env, argv[1], &kp, &kbytes) || !typed_bytes(env, argv[2], &sp, &sbytes) || nbytes < 4 || sbytes < 4) {
    napi_throw_type_error(env, NULL, "block_scan.skeletonCompile: bad arguments");
    return NULL;
  }
  skeleton_t *s = calloc(1, sizeof *s);
  if (s) {
    s->magic = SKELETON_MAGIC;
    s->nodes = copy_of(np, nbytes);
    s->key_bytes = copy_of(kp, kbytes);
    s->key_start = copy_of(sp, sbytes);
    s->keys = (int32_t)(sbytes / 4 - 1);
  }
  if (!s || !s->nodes || !s->key_bytes || !s->key_start) {
    finalize(env, s, NULL);
    napi_throw_error(env, NULL, "block_scan: out of memory");
    return NULL;
  }
  /* keys in order inside keyBytes; every node inside `nodes`, naming known keys and nodes */
  int ok = s->key_start[0] == 0;
  for (int32_t k = 0; ok && k < s->keys; k++) ok = s->key_start[k] <= s->key_start[k + 1] && (size_t)s->key_start[k + 1] <= kbytes;
  size_t ints = nbytes / 4;
  for (size_t at = 0; ok && at < ints; at += 1 + 2 * (size_t)s->nodes[at]) {
    int32_t n = s->nodes[at];
    ok = n >= 0 && at + 1 + 2 * (size_t)n <= ints;
    for (int32_t i = 0; ok && i < n; i++) {
      int32_t k = s->nodes[at + 1 + 2 * i], child = s->nodes[at + 2 + 2 * i];
      ok = k >= 0 && k < s->keys && child >= WHOLE_STRING && (child < 0 || node_start(s->nodes, ints, (size_t)child));
    }
  }
  if (!ok || napi_create_external(env, s, finalize, NULL, &result) != napi_ok) {
    finalize(env, s, NULL);
    if (!ok) napi_throw_type_error(env, NULL, "block_scan.skeletonCompile: malformed whitelist");
    return NULL;
  }
  return result;
}

/* skeleton(handle, buf: Uint8Array, start, end, entries: Int32Array, numbers: Float64Array,
 * text: Uint8Array): how many entries describe the whitelisted values of the line at buf[start,
 * end), in its order; -1 = parse it in full. entries[0] = bytes of short strings at the front of
 * `text`; entry i at 4 * (i + 1): kind, key index (ELEMENT in arrays), byte range (in `text` for
 * SK_SHORT and SK_LONG, else in `buf`); numbers[i] = its value when it is SK_NUMBER. */
napi_value skeleton_read(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7], result;
  skeleton_t *s;
  void *bufp, *outp, *nump, *textp;
  size_t buflen, outlen, numlen, textlen;
  int64_t start64, end64;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 7 || !typed_bytes(env, argv[6], &textp, &textlen) ||
      napi_get_value_external(env, argv[0], (void **)&s) != napi_ok || !typed_bytes(env, argv[1], &bufp, &buflen) ||
      napi_get_value_int64(env, argv[2], &start64) != napi_ok || napi_get_value_int64(env, argv[3], &end64) != napi_ok ||
      !typed_bytes(env, argv[4], &outp, &outlen) || !typed_bytes(env, argv[5], &nump, &numlen)) {
    napi_throw_type_error(env, NULL, "block_scan.skeleton: bad arguments");
    return NULL;
  }
  if (!s || s->magic != SKELETON_MAGIC) { napi_throw_type_error(env, NULL, "block_scan.skeleton: not a skeleton handle"); return NULL; }
  if (start64 < 0 || end64 < start64 || (uint64_t)end64 > buflen || end64 > INT32_MAX) {
    napi_throw_range_error(env, NULL, "block_scan.skeleton: range outside the buffer");
    return NULL;
  }
  cursor_t c = { .s = s, .b = bufp, .p = (size_t)start64, .end = (size_t)end64, .depth = 1, .out = outp, .numbers = nump,
                 .limit = buflen, .text = textp, .text_cap = textlen };
  if (outlen < 16 || textlen < 64) { napi_throw_range_error(env, NULL, "block_scan.skeleton: arrays too small"); return NULL; }
  c.cap = outlen / 16 - 1 < numlen / 8 ? outlen / 16 - 1 : numlen / 8;
  /* the whitelist's root (node 0) is the line's object; a NUL byte anywhere is invalid JSON */
  ws(&c);
  int whole = c.p < c.end && c.b[c.p] == '{' && read_object(&c, 0) == OK && (ws(&c), c.p == c.end);
  c.out[0] = (int32_t)c.small_used;
  return napi_create_int32(env, whole ? (int32_t)c.n : -1, &result) == napi_ok ? result : NULL;
}
