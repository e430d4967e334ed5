// The FFT's butterflies and the 2-D grid passes of Linalg.FFTPlan / SquareGridFFT: see
// include/CKernels.h for the contract. Compiled with -ffp-contract=off; the pragma says the same
// for any compiler that honours it.
#pragma STDC FP_CONTRACT OFF
#include "CKernels.h"

typedef float v8 __attribute__((ext_vector_type(8), aligned(4)));
#define AI static inline __attribute__((always_inline))

typedef float v16 __attribute__((ext_vector_type(16), aligned(4)));

#define VEC v8
#define FN(name) name##_8
#include "fft_stages.h"
#undef VEC
#undef FN
#define VEC v16
#define FN(name) name##_16
#include "fft_stages.h"
#undef VEC
#undef FN

/// out[j] = column j of the 8 × 8 block whose rows are in[0 … 7] (a register transpose).
AI void transpose8(const v8 in[8], v8 out[8]) {
    v8 t[8], u[8];
    for (int k = 0; k < 8; k += 2) {
        t[k] = __builtin_shufflevector(in[k], in[k + 1], 0, 8, 1, 9, 4, 12, 5, 13);
        t[k + 1] = __builtin_shufflevector(in[k], in[k + 1], 2, 10, 3, 11, 6, 14, 7, 15);
    }
    for (int k = 0; k < 8; k += 4) {
        u[k] = __builtin_shufflevector(t[k], t[k + 2], 0, 1, 8, 9, 4, 5, 12, 13);
        u[k + 1] = __builtin_shufflevector(t[k], t[k + 2], 2, 3, 10, 11, 6, 7, 14, 15);
        u[k + 2] = __builtin_shufflevector(t[k + 1], t[k + 3], 0, 1, 8, 9, 4, 5, 12, 13);
        u[k + 3] = __builtin_shufflevector(t[k + 1], t[k + 3], 2, 3, 10, 11, 6, 7, 14, 15);
    }
    for (int k = 0; k < 4; k++) {
        out[k] = __builtin_shufflevector(u[k], u[k + 4], 0, 1, 2, 3, 8, 9, 10, 11);
        out[k + 4] = __builtin_shufflevector(u[k], u[k + 4], 4, 5, 6, 7, 12, 13, 14, 15);
    }
}

/// Columns c0 … c0 + W − 1 of a grid along its row index, in place (W = 8 or 16 lanes).
#define GRID_COLUMNS(W, VEC, FFT)                                                                            \
    const long n = plan->length;                                                                             \
    VEC *br = (VEC *)buf, *bi = br + n, *wr = br + 2 * n, *wi = br + 3 * n;                                  \
    for (long t = 0; t < n; t++) {                                                                           \
        br[t] = *(const VEC *)(re + t * ld + c0);                                                            \
        bi[t] = *(const VEC *)(im + t * ld + c0);                                                            \
    }                                                                                                        \
    FFT(plan, br, bi, wr, wi, inv);                                                                          \
    for (long t = 0; t < n; t++) {                                                                           \
        *(VEC *)(re + t * ld + c0) = br[t];                                                                  \
        *(VEC *)(im + t * ld + c0) = bi[t];                                                                  \
    }

AI void grid_columns_8(const mb_fft_plan *plan, float *re, float *im, long ld, long c0, float *buf, int inv) {
    GRID_COLUMNS(8, v8, fft_8)
}
AI void grid_columns_16(const mb_fft_plan *plan, float *re, float *im, long ld, long c0, float *buf, int inv) {
    GRID_COLUMNS(16, v16, fft_16)
}

/// Element t of rows r0 … r0 + 7 as one vector per t, for t0 ≤ t < t0 + 8.
AI void load_transposed(const float *src, long ld, long r0, long t0, v8 out[8]) {
    v8 rows[8];
    for (int l = 0; l < 8; l++) rows[l] = *(const v8 *)(src + (r0 + l) * ld + t0);
    transpose8(rows, out);
}

/// Rows r0 … r0 + W − 1 of src along their column index (values at t ≥ valid taken as +0, not
/// read), written transposed: element f of row r0 + l goes to dst[f·ld + r0 + l].
#define GRID_ROWS(W, VEC, FFT, GATHER)                                                                       \
    const long n = plan->length;                                                                             \
    VEC *br = (VEC *)buf, *bi = br + n, *wr = br + 2 * n, *wi = br + 3 * n;                                  \
    long t = 0;                                                                                              \
    for (; t + 8 <= valid; t += 8) {                                                                         \
        GATHER(src_re, br);                                                                                  \
        GATHER(src_im, bi);                                                                                  \
    }                                                                                                        \
    for (; t < valid; t++)                                                                                   \
        for (int l = 0; l < W; l++) {                                                                        \
            br[t][l] = src_re[(r0 + l) * ld + t];                                                            \
            bi[t][l] = src_im[(r0 + l) * ld + t];                                                            \
        }                                                                                                    \
    for (; t < n; t++) br[t] = bi[t] = 0.0f;                                                                 \
    FFT(plan, br, bi, wr, wi, inv);                                                                          \
    for (long f = 0; f < n; f++) {                                                                           \
        *(VEC *)(dst_re + f * ld + r0) = br[f];                                                              \
        *(VEC *)(dst_im + f * ld + r0) = bi[f];                                                              \
    }

#define GATHER_8(src, out) load_transposed(src, ld, r0, t, out + t)
#define GATHER_16(src, out)                                                                                  \
    do {                                                                                                     \
        v8 low[8], high[8];                                                                                  \
        load_transposed(src, ld, r0, t, low);                                                                \
        load_transposed(src, ld, r0 + 8, t, high);                                                           \
        for (int k = 0; k < 8; k++)                                                                          \
            out[t + k] = __builtin_shufflevector(low[k], high[k], 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,  \
                                                 14, 15);                                                    \
    } while (0)

AI void grid_rows_8(const mb_fft_plan *plan, const float *src_re, const float *src_im, long ld, long r0, long valid,
                    float *dst_re, float *dst_im, float *buf, int inv) {
    GRID_ROWS(8, v8, fft_8, GATHER_8)
}
AI void grid_rows_16(const mb_fft_plan *plan, const float *src_re, const float *src_im, long ld, long r0, long valid,
                     float *dst_re, float *dst_im, float *buf, int inv) {
    GRID_ROWS(16, v16, fft_16, GATHER_16)
}

/// One grid pass of `lanes` (8 or 16) lines.
AI void grid_pass(int rows, long lanes, const mb_fft_plan *p, float *re, float *im, long ld, long at, long valid,
                  float *dr, float *di, float *buf, int inv) {
    if (rows) {
        if (lanes == 16) grid_rows_16(p, re, im, ld, at, valid, dr, di, buf, inv);
        else grid_rows_8(p, re, im, ld, at, valid, dr, di, buf, inv);
    } else {
        if (lanes == 16) grid_columns_16(p, re, im, ld, at, buf, inv);
        else grid_columns_8(p, re, im, ld, at, buf, inv);
    }
}

// Each entry point runs one body per instruction set; all variants give the same bits
// (independent lanes, no fused multiply-add).
static void fft8_sse2(const mb_fft_plan *p, v8 *re, v8 *im, v8 *wr, v8 *wi, int inv) { fft_8(p, re, im, wr, wi, inv); }
static void pass_sse2(int rows, long lanes, const mb_fft_plan *p, float *re, float *im, long ld, long at, long valid,
                      float *dr, float *di, float *buf, int inv) {
    grid_pass(rows, lanes, p, re, im, ld, at, valid, dr, di, buf, inv);
}
#if defined(__x86_64__)
__attribute__((target("avx2"))) static void fft8_avx2(const mb_fft_plan *p, v8 *re, v8 *im, v8 *wr, v8 *wi, int inv) {
    fft_8(p, re, im, wr, wi, inv);
}
__attribute__((target("avx2"))) static void pass_avx2(int rows, long lanes, const mb_fft_plan *p, float *re,
                                                      float *im, long ld, long at, long valid, float *dr, float *di,
                                                      float *buf, int inv) {
    grid_pass(rows, lanes, p, re, im, ld, at, valid, dr, di, buf, inv);
}
__attribute__((target("avx512f"))) static void pass_avx512(int rows, long lanes, const mb_fft_plan *p, float *re,
                                                           float *im, long ld, long at, long valid, float *dr,
                                                           float *di, float *buf, int inv) {
    grid_pass(rows, lanes, p, re, im, ld, at, valid, dr, di, buf, inv);
}
#endif

static void pass(int rows, long lanes, const mb_fft_plan *p, float *re, float *im, long ld, long at, long valid,
                 float *dr, float *di, float *buf, int inv) {
#if defined(__x86_64__)
    const int isa = mb_kernel_isa();
    if (isa >= 2) { pass_avx512(rows, lanes, p, re, im, ld, at, valid, dr, di, buf, inv); return; }
    if (isa >= 1) { pass_avx2(rows, lanes, p, re, im, ld, at, valid, dr, di, buf, inv); return; }
#endif
    pass_sse2(rows, lanes, p, re, im, ld, at, valid, dr, di, buf, inv);
}

static int plan_ok(const mb_fft_plan *plan) {
    if (!plan || plan->length < 1) return 0;
    long product = 1;
    for (long s = 0; s < plan->stages; s++) {
        const long p = plan->radix[s];
        if (p < 2 || (p > 5 && (p % 2 == 0 || (p - 1) / 2 > 256))) return 0;
        product *= p;
    }
    return product == plan->length;
}

int mb_fft8(const mb_fft_plan *plan, float *re, float *im, float *work_re, float *work_im, int inverse) {
    if (!plan_ok(plan)) return -1;
#if defined(__x86_64__)
    if (mb_kernel_isa() >= 1) {
        fft8_avx2(plan, (v8 *)re, (v8 *)im, (v8 *)work_re, (v8 *)work_im, inverse);
        return 0;
    }
#endif
    fft8_sse2(plan, (v8 *)re, (v8 *)im, (v8 *)work_re, (v8 *)work_im, inverse);
    return 0;
}

int mb_fft_grid_columns(const mb_fft_plan *plan, float *re, float *im, long ld, long c0, long lanes, float *scratch,
                        int inverse) {
    if (!plan_ok(plan) || (lanes != 8 && lanes != 16) || c0 < 0 || ld < c0 + lanes) return -1;
    pass(0, lanes, plan, re, im, ld, c0, 0, 0, 0, scratch, inverse);
    return 0;
}

int mb_fft_grid_rows(const mb_fft_plan *plan, const float *src_re, const float *src_im, long ld, long r0, long lanes,
                     long valid, float *dst_re, float *dst_im, float *scratch, int inverse) {
    if (!plan_ok(plan) || (lanes != 8 && lanes != 16) || r0 < 0 || ld < r0 + lanes || valid < 0 ||
        valid > plan->length || ld < plan->length)
        return -1;
    pass(1, lanes, plan, (float *)src_re, (float *)src_im, ld, r0, valid, dst_re, dst_im, scratch, inverse);
    return 0;
}
