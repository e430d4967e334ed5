// Deterministic SGEMM: see include/CKernels.h for the contract. Compiled with -ffp-contract=off;
// the pragma below says the same for any compiler that honours it.
#pragma STDC FP_CONTRACT OFF
#include "CKernels.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define NR 16          // columns of C per panel (one 16-float vector)
#define PANELS 8       // panels packed at once (128 columns of op(B))
#define MC 120         // rows of C per block (a multiple of 12, 6 and 4), so the A rows stay in cache
#define KC 256         // values of p per block, so panels, A block and accumulator tile fit in L2

typedef float v16 __attribute__((ext_vector_type(16)));

/// Packs rows p0 ..< p0 + kc and columns j0 ..< j0 + w (w ≤ NR) of op(B) into
/// panel[(p − p0) · NR + jj], zero padded to NR columns.
static void pack(int transB, const float *b, long ldb, long p0, long kc, long j0, long w, float *panel) {
    if (transB) {
        for (long jj = 0; jj < w; jj++) {
            const float *src = b + (j0 + jj) * ldb + p0;
            for (long p = 0; p < kc; p++) panel[p * NR + jj] = src[p];
        }
    } else {
        for (long p = 0; p < kc; p++) memcpy(panel + p * NR, b + (p0 + p) * ldb + j0, (size_t)w * sizeof(float));
    }
    if (w < NR)
        for (long p = 0; p < kc; p++)
            for (long jj = w; jj < NR; jj++) panel[p * NR + jj] = 0.0f;
}

/// Rows i0 ..< i0 + MR of the accumulator tile against one packed panel of kc values of p:
/// each tile element continues its sum `acc = acc + a(i, p) · b(p, j)` in p order (storing and
/// reloading a float between blocks of p is exact, so the blocking never changes a result).
static inline __attribute__((always_inline)) void block(const int MR, long i0, long kc,
        const float *a, long rsA, long csA, const float *panel, float *tile, long ldt) {
    v16 acc[12];
    for (int r = 0; r < MR; r++) memcpy(&acc[r], tile + (i0 + r) * ldt, sizeof(v16));
    for (long p = 0; p < kc; p++) {
        v16 bv;
        memcpy(&bv, panel + p * NR, sizeof bv);
        for (int r = 0; r < MR; r++) {
            float av = a[(i0 + r) * rsA + p * csA];
            v16 prod = bv * av;
            acc[r] = acc[r] + prod;
        }
    }
    for (int r = 0; r < MR; r++) memcpy(tile + (i0 + r) * ldt, &acc[r], sizeof(v16));
}

/// As `block`, for two adjacent panels at once (32 columns): each broadcast of a(i, p) feeds
/// two vectors, which halves the loads per product where 32 vector registers allow it.
static inline __attribute__((always_inline)) void block2(const int MR, long i0, long kc,
        const float *a, long rsA, long csA, const float *panel0, const float *panel1, float *tile, long ldt) {
    v16 acc0[12], acc1[12];
    for (int r = 0; r < MR; r++) {
        memcpy(&acc0[r], tile + (i0 + r) * ldt, sizeof(v16));
        memcpy(&acc1[r], tile + (i0 + r) * ldt + NR, sizeof(v16));
    }
    for (long p = 0; p < kc; p++) {
        v16 b0, b1;
        memcpy(&b0, panel0 + p * NR, sizeof b0);
        memcpy(&b1, panel1 + p * NR, sizeof b1);
        for (int r = 0; r < MR; r++) {
            float av = a[(i0 + r) * rsA + p * csA];
            v16 prod0 = b0 * av, prod1 = b1 * av;
            acc0[r] = acc0[r] + prod0;
            acc1[r] = acc1[r] + prod1;
        }
    }
    for (int r = 0; r < MR; r++) {
        memcpy(tile + (i0 + r) * ldt, &acc0[r], sizeof(v16));
        memcpy(tile + (i0 + r) * ldt + NR, &acc1[r], sizeof(v16));
    }
}

// Row loops per instruction set: MR rows at a time, then blocks of 4, then single rows (a
// single row is one dependent chain per vector, so the 4-row step keeps short tails fast).
#define DEFINE_PANEL_ROWS(NAME, TARGET, MR)                                                          \
    TARGET static void NAME(long rows, long kc, const float *a, long rsA, long csA,                  \
                            const float *panel, float *tile, long ldt) {                             \
        long i = 0;                                                                                  \
        for (; i + MR <= rows; i += MR) block(MR, i, kc, a, rsA, csA, panel, tile, ldt);             \
        for (; i + 4 <= rows; i += 4) block(4, i, kc, a, rsA, csA, panel, tile, ldt);                \
        for (; i < rows; i++) block(1, i, kc, a, rsA, csA, panel, tile, ldt);                        \
    }

DEFINE_PANEL_ROWS(rows_sse2, , 4)   // the baseline: SSE2 on x86-64, NEON or scalar elsewhere
#if defined(__x86_64__)
DEFINE_PANEL_ROWS(rows_avx2, __attribute__((target("avx2"))), 6)
DEFINE_PANEL_ROWS(rows_avx512, __attribute__((target("avx512f"))), 12)

/// AVX-512 only: two panels at once, 12 rows at a time (24 accumulators of 32 registers).
__attribute__((target("avx512f"))) static void rows2_avx512(long rows, long kc, const float *a, long rsA, long csA,
        const float *panel0, const float *panel1, float *tile, long ldt) {
    long i = 0;
    for (; i + 12 <= rows; i += 12) block2(12, i, kc, a, rsA, csA, panel0, panel1, tile, ldt);
    for (; i + 4 <= rows; i += 4) block2(4, i, kc, a, rsA, csA, panel0, panel1, tile, ldt);
    for (; i < rows; i++) block2(1, i, kc, a, rsA, csA, panel0, panel1, tile, ldt);
}
#endif

typedef void (*rows_fn)(long, long, const float *, long, long, const float *, float *, long);

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
    int pair = 0;
    (void)pair;
#if defined(__x86_64__)
    int isa = mb_kernel_isa();
    if (isa == 2) { rows = rows_avx512; pair = 1; } else if (isa == 1) rows = rows_avx2;
#endif
    long rsA = transA ? 1 : lda, csA = transA ? lda : 1;
    if (k < 0) k = 0;
    long groupWidth = NR * PANELS;
    long kcMax = k < KC ? (k > 0 ? k : 1) : KC;
    // Scratch: the packed panels of one block of p, then the MC × (NR · PANELS) accumulator tile.
    float *panels = scratch((size_t)kcMax * NR * PANELS + (size_t)MC * NR * PANELS);
    float *tile = panels + (size_t)kcMax * NR * PANELS;
    const long ldt = NR * PANELS;
    for (long jg = 0; jg < n; jg += groupWidth) {
        long groupEnd = jg + groupWidth < n ? jg + groupWidth : n;
        long count = (groupEnd - jg + NR - 1) / NR;
        long rowLimit = m;
        if (upperOnly && groupEnd < rowLimit) rowLimit = groupEnd;
        for (long i0 = 0; i0 < rowLimit; i0 += MC) {
            long iEnd = i0 + MC < rowLimit ? i0 + MC : rowLimit;
            long height = iEnd - i0;
            for (long r = 0; r < height; r++) memset(tile + r * ldt, 0, sizeof(float) * (size_t)ldt);
            for (long p0 = 0; p0 < k; p0 += KC) {
                long kc = k - p0 < KC ? k - p0 : KC;
                for (long q = 0; q < count; q++) {
                    long j0 = jg + q * NR;
                    long w = groupEnd - j0 < NR ? groupEnd - j0 : NR;
                    long h = height;
                    if (upperOnly && i0 + h > j0 + w) h = j0 + w - i0;   // rows below this panel's diagonal
                    if (h <= 0) continue;
                    const float *ablock = a + i0 * rsA + p0 * csA;
                    float *panel = panels + q * kc * NR;
                    pack(transB, b, ldb, p0, kc, j0, w, panel);
#if defined(__x86_64__)
                    if (pair && q + 1 < count) {                         // two panels at once (AVX-512)
                        long j1 = j0 + NR;
                        long w1 = groupEnd - j1 < NR ? groupEnd - j1 : NR;
                        long h1 = height;
                        if (upperOnly && i0 + h1 > j1 + w1) h1 = j1 + w1 - i0;   // h1 ≥ h
                        float *panel1 = panel + kc * NR;
                        pack(transB, b, ldb, p0, kc, j1, w1, panel1);
                        rows2_avx512(h, kc, ablock, rsA, csA, panel, panel1, tile + q * NR, ldt);
                        if (h1 > h) rows(h1 - h, kc, ablock + h * rsA, rsA, csA, panel1, tile + h * ldt + (q + 1) * NR, ldt);
                        q++;
                        continue;
                    }
#endif
                    rows(h, kc, ablock, rsA, csA, panel, tile + q * NR, ldt);
                }
            }
            // c = alpha · acc (+ beta · c): the same scalar operations on every CPU.
            for (long q = 0; q < count; q++) {
                long j0 = jg + q * NR;
                long w = groupEnd - j0 < NR ? groupEnd - j0 : NR;
                long h = height;
                if (upperOnly && i0 + h > j0 + w) h = j0 + w - i0;
                for (long r = 0; r < h; r++) {
                    const float *acc = tile + r * ldt + q * NR;
                    float *row = c + (i0 + r) * ldc + j0;
                    if (beta == 0.0f) { for (long jj = 0; jj < w; jj++) row[jj] = alpha * acc[jj]; }
                    else { for (long jj = 0; jj < w; jj++) row[jj] = alpha * acc[jj] + beta * row[jj]; }
                }
            }
        }
    }
}
