// All-pairs Cauchy-kernel sums in the plane: see include/CKernels.h for the contract. Compiled
// with -ffp-contract=off; the pragma says the same for any compiler that honours it.
#pragma STDC FP_CONTRACT OFF
#include "CKernels.h"

typedef float v8 __attribute__((ext_vector_type(8)));
typedef float v8u __attribute__((ext_vector_type(8), aligned(4)));

/// Lanes l < valid are 1, the others 0.
static inline __attribute__((always_inline)) v8 lane_mask(long valid) {
    v8 m = 0.0f;
    for (long l = 0; l < 8 && l < valid; l++) m[l] = 1.0f;
    return m;
}

/// Rows i0 ..< i1 against the points j0 ..< j1 (j0 a multiple of 8). Lane l of a row sums the
/// points j ≡ l (mod 8) in increasing j, and the lanes are added in lane order in double into
/// rows[3 (i − i0) + {0, 1, 2}] = (Σ q, Σ q² dx, Σ q² dy). With cols (the symmetric tile, all
/// rows before j0) each point j also collects −q² dx, −q² dy and q over the rows in increasing i,
/// in single precision, into cols[3 (j − j0) + …] (as double at the end). Points at or past n
/// are masked to 0. Every variant below runs this one body with 8-float vectors, whatever
/// registers carry them, so all give the same bits.
static inline __attribute__((always_inline)) void cauchy_tile(const float *xs, const float *ys, long n, long i0, long i1,
                                                              long j0, long j1, double *rows, double *cols) {
    enum { MAX_COLS = 4096 };
    const long blocks = (j1 - j0 + 7) / 8;
    const v8 last = lane_mask(n - (j0 + 8 * (blocks - 1)));
    float cz[MAX_COLS] __attribute__((aligned(32))), cx[MAX_COLS] __attribute__((aligned(32))),
        cy[MAX_COLS] __attribute__((aligned(32)));
    if (cols)
        for (long t = 0; t < 8 * blocks; t++) cz[t] = cx[t] = cy[t] = 0.0f;
    for (long i = i0; i < i1; i++) {
        const v8 xi = xs[i], yi = ys[i];
        v8 z = 0.0f, fx = 0.0f, fy = 0.0f;
        for (long b = 0; b < blocks; b++) {
            const long j = j0 + 8 * b;
            const v8 dx = xi - *(const v8u *)(xs + j), dy = yi - *(const v8u *)(ys + j);
            v8 q = 1.0f / (1.0f + (dx * dx + dy * dy));
            if (b == blocks - 1) q = q * last;
            z += q;
            const v8 q2 = q * q;
            const v8 tx = q2 * dx, ty = q2 * dy;
            fx += tx;
            fy += ty;
            if (cols) {
                *(v8 *)(cz + 8 * b) += q;
                *(v8 *)(cx + 8 * b) -= tx;
                *(v8 *)(cy + 8 * b) -= ty;
            }
        }
        double zi = 0, f0 = 0, f1 = 0;
        for (int l = 0; l < 8; l++) {
            zi += (double)z[l];
            f0 += (double)fx[l];
            f1 += (double)fy[l];
        }
        rows[3 * (i - i0)] = zi;
        rows[3 * (i - i0) + 1] = f0;
        rows[3 * (i - i0) + 2] = f1;
    }
    if (cols)
        for (long t = 0; t < j1 - j0; t++) {
            cols[3 * t] = (double)cz[t];
            cols[3 * t + 1] = (double)cx[t];
            cols[3 * t + 2] = (double)cy[t];
        }
}

static void tile_sse2(const float *xs, const float *ys, long n, long i0, long i1, long j0, long j1, double *rows,
                      double *cols) {
    cauchy_tile(xs, ys, n, i0, i1, j0, j1, rows, cols);
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void tile_avx2(const float *xs, const float *ys, long n, long i0, long i1,
                                                      long j0, long j1, double *rows, double *cols) {
    cauchy_tile(xs, ys, n, i0, i1, j0, j1, rows, cols);
}
#endif

int mb_cauchy_tile(const float *xs, const float *ys, long n, long i0, long i1, long j0, long j1, double *rows,
                   double *cols) {
    if (j0 % 8 != 0 || j1 - j0 > 4096 || j1 <= j0 || i1 <= i0 || (cols && i1 > j0)) return -1;
#if defined(__x86_64__)
    if (mb_kernel_isa() >= 1) { tile_avx2(xs, ys, n, i0, i1, j0, j1, rows, cols); return 0; }
#endif
    tile_sse2(xs, ys, n, i0, i1, j0, j1, rows, cols);
    return 0;
}
