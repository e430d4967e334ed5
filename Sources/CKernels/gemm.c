// Deterministic SGEMM: see include/CKernels.h for the contract. Compiled with -ffp-contract=off;
// the pragma below says the same for any compiler that honours it.
#pragma STDC FP_CONTRACT OFF
#include "CKernels.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define NR 16          // columns of C per panel (one 16-float vector)
#define PANELS 8       // panels packed at once (128 columns of op(B))
#define MC 128         // rows of C per block, so the A rows stay in cache across the panels

typedef float v16 __attribute__((ext_vector_type(16)));

/// Packs columns j0 ..< j0 + w (w ≤ NR) of op(B) for all p < k into panel[p * NR + jj], zero padded.
static void pack(int transB, const float *b, long ldb, long k, long j0, long w, float *panel) {
    if (transB) {
        for (long jj = 0; jj < w; jj++) {
            const float *src = b + (j0 + jj) * ldb;
            for (long p = 0; p < k; p++) panel[p * NR + jj] = src[p];
        }
    } else {
        for (long p = 0; p < k; p++) memcpy(panel + p * NR, b + p * ldb + j0, (size_t)w * sizeof(float));
    }
    for (long p = 0; p < k; p++)
        for (long jj = w; jj < NR; jj++) panel[p * NR + jj] = 0.0f;
}

/// Rows i0 ..< i0 + MR of C against one packed panel. The arithmetic per element is the contract's.
static inline __attribute__((always_inline)) void block(const int MR, long i0, long k, float alpha,
        const float *a, long rsA, long csA, const float *panel, long j0, long w,
        float beta, float *c, long ldc) {
    v16 acc[12];
    for (int r = 0; r < MR; r++) acc[r] = (v16)0.0f;
    for (long p = 0; p < k; p++) {
        v16 bv;
        memcpy(&bv, panel + p * NR, sizeof bv);
        for (int r = 0; r < MR; r++) {
            float av = a[(i0 + r) * rsA + p * csA];
            v16 prod = bv * av;
            acc[r] = acc[r] + prod;
        }
    }
    for (int r = 0; r < MR; r++) {
        float lanes[NR];
        memcpy(lanes, &acc[r], sizeof lanes);
        float *row = c + (i0 + r) * ldc + j0;
        if (beta == 0.0f) { for (long jj = 0; jj < w; jj++) row[jj] = alpha * lanes[jj]; }
        else { for (long jj = 0; jj < w; jj++) row[jj] = alpha * lanes[jj] + beta * row[jj]; }
    }
}

#define DEFINE_PANEL_ROWS(NAME, TARGET, MR)                                                          \
    TARGET static void NAME(long rowBegin, long rowEnd, long k, float alpha, const float *a,         \
                            long rsA, long csA, const float *panel, long j0, long w,                 \
                            float beta, float *c, long ldc) {                                        \
        long i = rowBegin;                                                                           \
        for (; i + MR <= rowEnd; i += MR) block(MR, i, k, alpha, a, rsA, csA, panel, j0, w, beta, c, ldc); \
        for (; i < rowEnd; i++) block(1, i, k, alpha, a, rsA, csA, panel, j0, w, beta, c, ldc);     \
    }

DEFINE_PANEL_ROWS(rows_sse2, , 4)
DEFINE_PANEL_ROWS(rows_avx2, __attribute__((target("avx2"))), 6)
DEFINE_PANEL_ROWS(rows_avx512, __attribute__((target("avx512f"))), 12)

typedef void (*rows_fn)(long, long, long, float, const float *, long, long, const float *, long, long,
                        float, float *, long);

static int detected = -1;
static int forced = -1;

static int detect(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 2;
    if (__builtin_cpu_supports("avx2")) return 1;
#endif
    return 0;
}

int mb_kernel_isa(void) {
    if (forced >= 0) return forced;
    if (detected < 0) {
        int d = detect();
        const char *env = getenv("MBENCH_KERNEL_ISA");
        if (env) {
            int want = !strcmp(env, "sse2") ? 0 : !strcmp(env, "avx2") ? 1 : !strcmp(env, "avx512") ? 2 : d;
            if (want < d) d = want;
        }
        detected = d;
    }
    return detected;
}

int mb_kernel_set_isa(int isa) {
    if (isa < 0) { forced = -1; return mb_kernel_isa(); }
    int d = detect();
    forced = isa < d ? isa : d;
    return forced;
}

/// A per-thread packing buffer of at least `count` floats, kept while the thread lives and freed
/// when it exits (the calls are many and small in NN-descent; allocating each time costs more
/// than the product).
struct scratch_buffer { float *values; size_t capacity; };
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *pointer) {
    struct scratch_buffer *b = pointer;
    free(b->values);
    free(b);
}

static void scratch_make_key(void) { pthread_key_create(&scratch_key, scratch_free); }

static float *scratch(size_t count) {
    pthread_once(&scratch_once, scratch_make_key);
    struct scratch_buffer *b = pthread_getspecific(scratch_key);
    if (!b) {
        b = calloc(1, sizeof *b);
        if (!b) abort();
        pthread_setspecific(scratch_key, b);
    }
    if (count > b->capacity) {
        free(b->values);
        b->values = malloc(sizeof(float) * count);
        if (!b->values) abort();
        b->capacity = count;
    }
    return b->values;
}

void mb_sgemm(int transA, int transB, int upperOnly, long m, long n, long k, float alpha,
              const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    rows_fn rows = rows_sse2;
#if defined(__x86_64__)
    int isa = mb_kernel_isa();
    if (isa == 2) rows = rows_avx512; else if (isa == 1) rows = rows_avx2;
#endif
    long rsA = transA ? 1 : lda, csA = transA ? lda : 1;
    long kk = k > 0 ? k : 0;
    long panelCount = (n + NR - 1) / NR < PANELS ? (n + NR - 1) / NR : PANELS;
    float *panels = scratch((size_t)(kk > 0 ? kk : 1) * NR * (size_t)panelCount);
    for (long jg = 0; jg < n; jg += NR * PANELS) {
        long groupEnd = jg + NR * PANELS < n ? jg + NR * PANELS : n;
        long count = 0;
        for (long j0 = jg; j0 < groupEnd; j0 += NR, count++) {
            long w = groupEnd - j0 < NR ? groupEnd - j0 : NR;
            pack(transB, b, ldb, kk, j0, w, panels + count * kk * NR);
        }
        long rowLimit = m;
        if (upperOnly && groupEnd < rowLimit) rowLimit = groupEnd;
        for (long i0 = 0; i0 < rowLimit; i0 += MC) {
            for (long q = 0; q < count; q++) {
                long j0 = jg + q * NR;
                long w = groupEnd - j0 < NR ? groupEnd - j0 : NR;
                long end = i0 + MC < rowLimit ? i0 + MC : rowLimit;
                if (upperOnly && end > j0 + w) end = j0 + w;
                if (end <= i0) continue;
                rows(i0, end, kk, alpha, a, rsA, csA, panels + q * kk * NR, j0, w, beta, c, ldc);
            }
        }
    }
}
