// Shared by the native scanner's files: the compiled scanner and the hit list it fills.
#ifndef EXCENSUS_SCANNER_H
#define EXCENSUS_SCANNER_H
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_X86 1
#endif

#define PASSES 3          /* 8 buckets per pass */
#define WIN 4             /* window bytes (a 3-byte pattern's window lets any 4th byte through) */
#define BUCKETS (PASSES * 8)

/* First word of each handle's struct: a handle of one kind given to another's function is refused. */
#define SCANNER_MAGIC 0x5343414eu  /* "SCAN" */
#define SKELETON_MAGIC 0x534b454cu /* "SKEL" */

typedef struct {
  uint32_t magic;                  /* SCANNER_MAGIC */
  uint8_t nib[PASSES][WIN][2][16]; /* [pass][window byte][0 = low, 1 = high nibble][nibble] -> bucket bits */
  uint8_t full[PASSES][WIN][256];  /* [pass][window byte][byte] -> bucket bits (exact: no nibble aliasing) */
  int vbmi;                        /* bytes >= 0x80 get the same bits everywhere: the 128-entry lookup serves */
  int32_t bucket[BUCKETS + 1];     /* patterns of bucket k: pats[bucket[k] .. bucket[k + 1]) */
  int32_t *pats;
  int32_t *pat_start;      /* offset of each pattern's bytes in bytes[] */
  int32_t *pat_len;
  int32_t *pat_window;
  uint8_t *pat_exact;
  uint8_t *bytes;          /* exact patterns as given, anchors folded */
  int32_t patterns;
  int avx2;
  uint8_t fold[256];
  /* scratch hit list of sniff_block (a scanner is used by one thread only) */
  int32_t *scratch_ids;
  int32_t *scratch_starts;
  size_t scratch_cap;
} scanner_t;

typedef struct {
  int32_t *ids;
  int32_t *starts;
  size_t cap;
  size_t hits;
} hits_t;


/* Every occurrence in [lo, hi), in position order (hits past h->cap are counted, not written). */
void scan_range(const scanner_t *s, const uint8_t *b, size_t lo, size_t hi, hits_t *h);
/* A typed array's bytes (any element type) and its length in bytes; 0 if `v` is none. */
int typed_bytes(napi_env env, napi_value v, void **data, size_t *bytes);
napi_value sniff_block(napi_env env, napi_callback_info info);
napi_value skeleton_compile(napi_env env, napi_callback_info info);
napi_value skeleton_read(napi_env env, napi_callback_info info);

#endif
