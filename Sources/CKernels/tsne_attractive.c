// t-SNE's attractive forces over the sparse P: see include/CKernels.h for the contract. Compiled
// with -ffp-contract=off; the pragma says the same for any compiler that honours it.
#pragma STDC FP_CONTRACT OFF
#include "CKernels.h"

typedef double d8 __attribute__((ext_vector_type(8), aligned(8)));
typedef long l8 __attribute__((ext_vector_type(8), aligned(8)));
#define AI static inline __attribute__((always_inline))

/// Rows i0 … i1 − 1, eight at a time: lane l follows row ib + l through its entries in order, so
/// each lane evaluates exactly the per-row sums of the contract; a lane whose row has ended keeps
/// its sums (a select, not an added zero).
AI void attractive(long c, const long *row_start, const int *cols, const double *vals, const double *y,
                   const double *ref, long i0, long i1, double inv_dof, double *out) {
    for (long ib = i0; ib < i1; ib += 8) {
        const long lanes = i1 - ib < 8 ? i1 - ib : 8;
        long start[8], len[8], longest = 0;
        d8 yi[3];
        for (int l = 0; l < 8; l++) {
            const long i = l < lanes ? ib + l : ib;
            start[l] = row_start[i];
            len[l] = l < lanes ? row_start[i + 1] - row_start[i] : 0;
            if (len[l] > longest) longest = len[l];
            for (long d = 0; d < c; d++) yi[d][l] = y[i * c + d];
        }
        d8 f[3] = {0.0, 0.0, 0.0};
        const d8 one = 1.0, inv = inv_dof;
        for (long step = 0; step < longest; step++) {
            d8 rj[3], v;
            l8 active;
            for (int l = 0; l < 8; l++) {
                const int on = step < len[l];
                const long e = start[l] + (on ? step : 0);
                // An ended lane reads its row's first entry (valid memory) and discards the result.
                const long j = len[l] > 0 ? cols[e] : 0;
                active[l] = on ? -1 : 0;
                v[l] = len[l] > 0 ? vals[e] : 0.0;
                for (long d = 0; d < c; d++) rj[d][l] = len[l] > 0 ? ref[j * c + d] : yi[d][l];
            }
            d8 diff[3];
            diff[0] = yi[0] - rj[0];
            d8 d2 = diff[0] * diff[0];
            for (long d = 1; d < c; d++) {
                diff[d] = yi[d] - rj[d];
                d2 = d2 + diff[d] * diff[d];
            }
            const d8 u = one / (one + d2 * inv);
            const d8 pu = v * u;
            for (long d = 0; d < c; d++) f[d] = active ? f[d] + pu * diff[d] : f[d];
        }
        for (long l = 0; l < lanes; l++)
            for (long d = 0; d < c; d++) out[(ib + l) * c + d] = f[d][l];
    }
}

static void attractive_base(long c, const long *rs, const int *cols, const double *vals, const double *y,
                            const double *ref, long i0, long i1, double inv_dof, double *out) {
    attractive(c, rs, cols, vals, y, ref, i0, i1, inv_dof, out);
}
#if defined(__x86_64__)
__attribute__((target("avx2"))) static void attractive_avx2(long c, const long *rs, const int *cols,
                                                            const double *vals, const double *y, const double *ref,
                                                            long i0, long i1, double inv_dof, double *out) {
    attractive(c, rs, cols, vals, y, ref, i0, i1, inv_dof, out);
}
__attribute__((target("avx512f"))) static void attractive_avx512(long c, const long *rs, const int *cols,
                                                                 const double *vals, const double *y,
                                                                 const double *ref, long i0, long i1, double inv_dof,
                                                                 double *out) {
    attractive(c, rs, cols, vals, y, ref, i0, i1, inv_dof, out);
}
#endif

int mb_tsne_attractive(long c, const long *row_start, const int *cols, const double *vals, const double *y,
                       const double *ref, long i0, long i1, double inv_dof, double *out) {
    if (c < 1 || c > 3 || i0 < 0 || i1 < i0) return -1;
#if defined(__x86_64__)
    const int isa = mb_kernel_isa();
    if (isa >= 2) { attractive_avx512(c, row_start, cols, vals, y, ref, i0, i1, inv_dof, out); return 0; }
    if (isa >= 1) { attractive_avx2(c, row_start, cols, vals, y, ref, i0, i1, inv_dof, out); return 0; }
#endif
    attractive_base(c, row_start, cols, vals, y, ref, i0, i1, inv_dof, out);
    return 0;
}
