// Native multi-pattern byte scanner for the bulk-ingest pre-filter. It finds the same occurrences
// as the JavaScript Wu-Manber loop in src/ingest/anchor-scan.ts, by a method suited to SIMD: each
// pattern gets one of PASSES * 8 buckets and a WIN-byte window; per input position, tables built
// in JavaScript (src/ingest/native-scan.ts) give the buckets whose window could start there:
// exact 128-entry lookups 64 positions at a time with AVX-512 VBMI, nibble lookups 32 at a time
// with AVX2, one at a time otherwise (and for the last bytes). Candidates are then verified byte
// for byte: exact patterns as given, anchors ASCII case-folded with "_" read as "-". Node-API only.
#include "scanner.h"

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, "block_scan: bad arguments"); return NULL; } } while (0)

static void release(scanner_t *s) {
  free(s->scratch_ids); free(s->scratch_starts);
  free(s->pats); free(s->pat_start); free(s->pat_len); free(s->pat_window); free(s->pat_exact); free(s->bytes);
  free(s);
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env; (void)hint;
  release((scanner_t *)data);
}

/* A typed array's bytes (any element type) and its length in bytes. */
int typed_bytes(napi_env env, napi_value v, void **data, size_t *bytes) {
  napi_typedarray_type type;
  size_t length, offset;
  napi_value ab;
  if (napi_get_typedarray_info(env, v, &type, &length, data, &ab, &offset) != napi_ok) return 0;
  size_t unit = (type == napi_float64_array || type == napi_bigint64_array || type == napi_biguint64_array) ? 8
                : (type == napi_int32_array || type == napi_uint32_array || type == napi_float32_array) ? 4
                : (type == napi_int16_array || type == napi_uint16_array) ? 2 : 1;
  *bytes = length * unit;
  return 1;
}

static void *copy_of(const void *src, size_t n) {
  void *p = malloc(n ? n : 1);
  if (p && n) memcpy(p, src, n);
  return p;
}

/* compile(nibbles: Uint8Array(PASSES * WIN * 32), full: Uint8Array(PASSES * WIN * 256),
 *         bucket: Int32Array(BUCKETS + 1), pats: Int32Array, start: Int32Array, len: Int32Array,
 *         window: Int32Array, exact: Uint8Array, bytes: Uint8Array) */
static napi_value compile(napi_env env, napi_callback_info info) {
  enum { NIB, FULL, BUCKET, PATS, START, LEN, WINDOW, EXACT, BYTES, ARGS };
  size_t argc = ARGS;
  napi_value argv[ARGS];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < ARGS) { napi_throw_error(env, NULL, "block_scan.compile: 9 arguments expected"); return NULL; }
  void *d[ARGS];
  size_t n[ARGS];
  for (int i = 0; i < ARGS; i++) if (!typed_bytes(env, argv[i], &d[i], &n[i])) { napi_throw_type_error(env, NULL, "block_scan.compile: typed arrays expected"); return NULL; }
  if (n[NIB] != sizeof(((scanner_t *)0)->nib) || n[FULL] != sizeof(((scanner_t *)0)->full) || n[BUCKET] != (BUCKETS + 1) * 4) {
    napi_throw_range_error(env, NULL, "block_scan.compile: table sizes");
    return NULL;
  }
  scanner_t *s = (scanner_t *)calloc(1, sizeof(scanner_t));
  if (!s) { napi_throw_error(env, NULL, "block_scan: out of memory"); return NULL; }
  s->magic = SCANNER_MAGIC;
  memcpy(s->nib, d[NIB], sizeof(s->nib));
  memcpy(s->full, d[FULL], sizeof(s->full));
  memcpy(s->bucket, d[BUCKET], sizeof(s->bucket));
  s->pats = (int32_t *)copy_of(d[PATS], n[PATS]);
  s->pat_start = (int32_t *)copy_of(d[START], n[START]);
  s->pat_len = (int32_t *)copy_of(d[LEN], n[LEN]);
  s->pat_window = (int32_t *)copy_of(d[WINDOW], n[WINDOW]);
  s->pat_exact = (uint8_t *)copy_of(d[EXACT], n[EXACT]);
  s->bytes = (uint8_t *)copy_of(d[BYTES], n[BYTES]);
  s->patterns = (int32_t)(n[LEN] / 4);
  for (int i = 0; i < 256; i++) s->fold[i] = (uint8_t)(i >= 'A' && i <= 'Z' ? i + 32 : i == '_' ? '-' : i);
  /* every index must stay inside the table it points into */
  int ok = s->pats && s->pat_start && s->pat_len && s->pat_window && s->pat_exact && s->bytes && n[START] == n[LEN] && n[LEN] == n[WINDOW] && n[EXACT] * 4 == n[LEN] && s->bucket[0] == 0;
  for (int k = 0; ok && k < BUCKETS; k++) ok = s->bucket[k] <= s->bucket[k + 1] && (size_t)s->bucket[k + 1] * 4 <= n[PATS];
  for (size_t k = 0; ok && k < n[PATS] / 4; k++) ok = s->pats[k] >= 0 && s->pats[k] < s->patterns;
  for (int32_t k = 0; ok && k < s->patterns; k++)
    ok = s->pat_start[k] >= 0 && s->pat_len[k] >= 3 && (size_t)s->pat_start[k] + s->pat_len[k] <= n[BYTES] && s->pat_window[k] >= 0 && s->pat_window[k] <= s->pat_len[k] - 3;
  if (!ok) {
    release(s);
    napi_throw_range_error(env, NULL, "block_scan.compile: inconsistent tables");
    return NULL;
  }
  s->vbmi = 1;
  for (int p = 0; p < PASSES; p++)
    for (int k = 0; k < WIN; k++)
      for (int c = 129; c < 256; c++) if (s->full[p][k][c] != s->full[p][k][128]) s->vbmi = 0;
#if HAVE_X86
  __builtin_cpu_init();
  /* EXCENSUS_NO_AVX512 / EXCENSUS_NO_AVX2 force the narrower loops (tests run every one) */
  s->avx2 = __builtin_cpu_supports("avx2") && getenv("EXCENSUS_NO_AVX2") == NULL;
  s->vbmi = s->vbmi && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi") && getenv("EXCENSUS_NO_AVX512") == NULL && s->avx2;
#else
  s->vbmi = 0;
#endif
  napi_value ext;
  if (napi_create_external(env, s, finalize, NULL, &ext) != napi_ok) {
    release(s);
    napi_throw_error(env, NULL, "block_scan: cannot create the scanner");
    return NULL;
  }
  return ext;
}

/* Verifies the patterns of pass `pass`'s `buckets` whose window would start at i; records each match. */
static inline void verify(const scanner_t *s, const uint8_t *b, size_t lo, size_t hi, size_t i, int pass, unsigned buckets, hits_t *h) {
  while (buckets) {
    int k = pass * 8 + __builtin_ctz(buckets);
    buckets &= buckets - 1;
    for (int32_t c = s->bucket[k]; c < s->bucket[k + 1]; c++) {
      int32_t id = s->pats[c];
      size_t w = (size_t)s->pat_window[id];
      size_t len = (size_t)s->pat_len[id];
      if (i < lo + w) continue;
      size_t at = i - w;
      if (at + len > hi) continue;
      const uint8_t *pat = s->bytes + s->pat_start[id];
      size_t j = 0;
      if (s->pat_exact[id]) while (j < len && b[at + j] == pat[j]) j++;
      else while (j < len && s->fold[b[at + j]] == pat[j]) j++;
      if (j < len) continue;
      if (h->hits < h->cap) {
        h->ids[h->hits] = id;
        h->starts[h->hits] = (int32_t)at;
      }
      h->hits++;
    }
  }
}

/* The candidates of a chunk at i (bits of `any`): each pass's bucket bits for position j are at
 * lanes[p * width + j]. */
static inline void verify_chunk(const scanner_t *s, const uint8_t *b, size_t lo, size_t hi, size_t i, uint64_t any, const uint8_t *lanes, int width, hits_t *h) {
  while (any) {
    int j = __builtin_ctzll(any);
    any &= any - 1;
    for (int p = 0; p < PASSES; p++) {
      uint8_t m = lanes[p * width + j];
      if (m) verify(s, b, lo, hi, i + j, p, m, h);
    }
  }
}

/* Window starts in [from, hi - 2), one at a time; a window byte past `hi` reads as a zero byte (no
 * pattern byte is zero, and a 3-byte pattern's 4th window byte lets anything through). */
static void scan_scalar(const scanner_t *s, const uint8_t *b, size_t lo, size_t from, size_t hi, hits_t *h) {
  for (size_t i = from; i + 3 <= hi; i++) {
    for (int p = 0; p < PASSES; p++) {
      unsigned m = 0xff;
      for (int k = 0; k < WIN; k++) {
        m &= i + k < hi ? s->full[p][k][b[i + k]] : s->full[p][k][0];
      }
      if (m) verify(s, b, lo, hi, i, p, m, h);
    }
  }
}

#if HAVE_X86
__attribute__((target("avx2"))) static size_t scan_avx2(const scanner_t *s, const uint8_t *b, size_t lo, size_t hi, hits_t *h) {
  const __m256i low = _mm256_set1_epi8(0x0f);
  __m256i tl[PASSES][WIN], th[PASSES][WIN];
  for (int p = 0; p < PASSES; p++)
    for (int k = 0; k < WIN; k++) {
      tl[p][k] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)s->nib[p][k][0]));
      th[p][k] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)s->nib[p][k][1]));
    }
  const __m256i zero = _mm256_setzero_si256();
  size_t i = lo;
  for (; i + 32 + WIN <= hi; i += 32) {
    __m256i lo_n[WIN], hi_n[WIN];
    for (int k = 0; k < WIN; k++) {
      __m256i v = _mm256_loadu_si256((const __m256i *)(b + i + k));
      lo_n[k] = _mm256_and_si256(v, low);
      hi_n[k] = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
    }
    __m256i m[PASSES];
    uint32_t any = 0;
    for (int p = 0; p < PASSES; p++) {
      __m256i acc = _mm256_and_si256(_mm256_shuffle_epi8(tl[p][0], lo_n[0]), _mm256_shuffle_epi8(th[p][0], hi_n[0]));
      for (int k = 1; k < WIN; k++) acc = _mm256_and_si256(acc, _mm256_and_si256(_mm256_shuffle_epi8(tl[p][k], lo_n[k]), _mm256_shuffle_epi8(th[p][k], hi_n[k])));
      m[p] = acc;
      any |= ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(acc, zero));
    }
    if (any == 0) continue;
    uint8_t lanes[PASSES][32];
    for (int p = 0; p < PASSES; p++) _mm256_storeu_si256((__m256i *)lanes[p], m[p]);
    verify_chunk(s, b, lo, hi, i, any, &lanes[0][0], 32, h);
  }
  return i;
}

/* 64 positions at a time: one 128-entry table lookup per window byte and pass (VBMI); bytes from
 * 0x80 up take the bits all of them share (checked when compiling). */
__attribute__((target("avx512f,avx512bw,avx512vbmi"))) static size_t scan_vbmi(const scanner_t *s, const uint8_t *b, size_t lo, size_t hi, hits_t *h) {
  __m512i t0[PASSES][WIN], t1[PASSES][WIN], high[PASSES][WIN];
  for (int p = 0; p < PASSES; p++)
    for (int k = 0; k < WIN; k++) {
      t0[p][k] = _mm512_loadu_si512((const void *)s->full[p][k]);
      t1[p][k] = _mm512_loadu_si512((const void *)(s->full[p][k] + 64));
      high[p][k] = _mm512_set1_epi8((char)s->full[p][k][128]);
    }
  size_t i = lo;
  for (; i + 64 + WIN <= hi; i += 64) {
    __m512i v[WIN];
    __mmask64 nonascii[WIN];
    for (int k = 0; k < WIN; k++) {
      v[k] = _mm512_loadu_si512((const void *)(b + i + k));
      nonascii[k] = _mm512_movepi8_mask(v[k]);
    }
    __m512i m[PASSES];
    uint64_t any = 0;
    for (int p = 0; p < PASSES; p++) {
      __m512i acc = _mm512_mask_blend_epi8(nonascii[0], _mm512_permutex2var_epi8(t0[p][0], v[0], t1[p][0]), high[p][0]);
      for (int k = 1; k < WIN; k++)
        acc = _mm512_and_si512(acc, _mm512_mask_blend_epi8(nonascii[k], _mm512_permutex2var_epi8(t0[p][k], v[k], t1[p][k]), high[p][k]));
      m[p] = acc;
      any |= _mm512_test_epi8_mask(acc, acc);
    }
    if (any == 0) continue;
    uint8_t lanes[PASSES][64];
    for (int p = 0; p < PASSES; p++) _mm512_storeu_si512((void *)lanes[p], m[p]);
    verify_chunk(s, b, lo, hi, i, any, &lanes[0][0], 64, h);
  }
  return i;
}
#endif

void scan_range(const scanner_t *s, const uint8_t *b, size_t lo, size_t hi, hits_t *h) {
  size_t from = lo;
#if HAVE_X86
  if (s->vbmi) from = scan_vbmi(s, b, lo, hi, h);
  else if (s->avx2) from = scan_avx2(s, b, lo, hi, h);
#endif
  scan_scalar(s, b, lo, from, hi, h);
}

/* scan(scanner, buf: Uint8Array, start, end, ids: Int32Array, starts: Int32Array): hits found, in
 * position order (all are counted; only as many as the arrays hold are written: call again). */
static napi_value scan(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 6) { napi_throw_error(env, NULL, "block_scan.scan: 6 arguments expected"); return NULL; }
  scanner_t *s;
  CHECK(napi_get_value_external(env, argv[0], (void **)&s));
  if (!s || s->magic != SCANNER_MAGIC) { napi_throw_type_error(env, NULL, "block_scan.scan: not a scanner"); return NULL; }
  void *bufp, *idp, *stp;
  size_t buflen, idn, stn;
  if (!typed_bytes(env, argv[1], &bufp, &buflen) || !typed_bytes(env, argv[4], &idp, &idn) || !typed_bytes(env, argv[5], &stp, &stn)) {
    napi_throw_type_error(env, NULL, "block_scan.scan: typed arrays expected");
    return NULL;
  }
  int64_t start64, end64;
  CHECK(napi_get_value_int64(env, argv[2], &start64));
  CHECK(napi_get_value_int64(env, argv[3], &end64));
  if (start64 < 0 || end64 < start64 || (uint64_t)end64 > buflen || end64 > INT32_MAX) { napi_throw_range_error(env, NULL, "block_scan.scan: range outside the buffer"); return NULL; }
  hits_t h = { (int32_t *)idp, (int32_t *)stp, (idn < stn ? idn : stn) / 4, 0 };
  const uint8_t *b = (const uint8_t *)bufp;
  scan_range(s, b, (size_t)start64, (size_t)end64, &h);
  napi_value out;
  CHECK(napi_create_double(env, (double)h.hits, &out));
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "compile", NULL, compile, NULL, NULL, NULL, napi_default, NULL },
    { "scan", NULL, scan, NULL, NULL, NULL, napi_default, NULL },
    { "sniffBlock", NULL, sniff_block, NULL, NULL, NULL, napi_default, NULL },
    { "skeletonCompile", NULL, skeleton_compile, NULL, NULL, NULL, napi_default, NULL },
    { "skeleton", NULL, skeleton_read, NULL, NULL, NULL, napi_default, NULL },
  };
  if (napi_define_properties(env, exports, 5, props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
