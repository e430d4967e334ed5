// All-pairs Cauchy-kernel sums in the plane: see include/CKernels.h for the contract. Compiled
// with -ffp-contract=off; the pragma says the same for any compiler that honours it.
#pragma STDC FP_CONTRACT OFF
#include "CKernels.h"

typedef float v8 __attribute__((ext_vector_type(8)));
typedef float v8u __attribute__((ext_vector_type(8), aligned(4)));

/// Queries i0 ..< i1 against every point. Lane l of a query sums the points j ≡ l (mod 8) in
/// increasing j; the lanes are then added in lane order in double. Every variant below runs this
/// one body with 8-float vectors, whatever registers carry them, so all give the same bits.
static inline __attribute__((always_inline)) void cauchy_rows(const float *xs, const float *ys, long n,
                                                              long i0, long i1, double *forces, double *sums) {
    const long blocks = (n + 7) / 8;
    v8 last = 0.0f;
    for (long l = 0; l < n - (blocks - 1) * 8; l++) last[l] = 1.0f;
    for (long i = i0; i < i1; i++) {
        const v8 xi = xs[i], yi = ys[i];
        v8 z = 0.0f, fx = 0.0f, fy = 0.0f;
        for (long b = 0; b < blocks - 1; b++) {
            const v8 dx = xi - *(const v8u *)(xs + 8 * b), dy = yi - *(const v8u *)(ys + 8 * b);
            const v8 q = 1.0f / (1.0f + (dx * dx + dy * dy));
            z += q;
            const v8 q2 = q * q;
            fx += q2 * dx;
            fy += q2 * dy;
        }
        const v8 dx = xi - *(const v8u *)(xs + 8 * (blocks - 1)), dy = yi - *(const v8u *)(ys + 8 * (blocks - 1));
        const v8 q = last / (1.0f + (dx * dx + dy * dy));
        z += q;
        const v8 q2 = q * q;
        fx += q2 * dx;
        fy += q2 * dy;
        double zi = 0, f0 = 0, f1 = 0;
        for (int l = 0; l < 8; l++) {
            zi += (double)z[l];
            f0 += (double)fx[l];
            f1 += (double)fy[l];
        }
        sums[i] = zi;
        forces[2 * i] = f0;
        forces[2 * i + 1] = f1;
    }
}

static void cauchy_sse2(const float *xs, const float *ys, long n, long i0, long i1, double *forces, double *sums) {
    cauchy_rows(xs, ys, n, i0, i1, forces, sums);
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void cauchy_avx2(const float *xs, const float *ys, long n, long i0, long i1,
                                                        double *forces, double *sums) {
    cauchy_rows(xs, ys, n, i0, i1, forces, sums);
}
#endif

void mb_cauchy_pair_sums(const float *xs, const float *ys, long n, long i0, long i1, double *forces, double *sums) {
    if (n <= 0 || i1 <= i0) return;
#if defined(__x86_64__)
    if (mb_kernel_isa() >= 1) { cauchy_avx2(xs, ys, n, i0, i1, forces, sums); return; }
#endif
    cauchy_sse2(xs, ys, n, i0, i1, forces, sums);
}
