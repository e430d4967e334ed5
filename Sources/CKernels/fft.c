// The FFT's butterflies and the 2-D grid passes of Linalg.FFTPlan / SquareGridFFT: see
// include/CKernels.h for the contract. Compiled with -ffp-contract=off; the pragma says the same
// for any compiler that honours it.
#pragma STDC FP_CONTRACT OFF
#include "CKernels.h"

typedef float v8 __attribute__((ext_vector_type(8), aligned(4)));
#define AI static inline __attribute__((always_inline))

/// (re, im) ← (re, im) · w with w = cos + i·(∓sin): − forward, + inverse (the sign is applied to
/// the scalar before it is broadcast, exactly as the formula in FFTPlan's documentation reads).
AI void twiddle(v8 *re, v8 *im, const float *c, const float *s, long k, int inverse) {
    const v8 cv = c[k];
    const v8 sv = inverse ? s[k] : -s[k];
    const v8 r = *re, i = *im;
    *re = r * cv - i * sv;
    *im = r * sv + i * cv;
}

// Every stage reads a_k = x[q + stride·(j + k·sub)] and writes y[q + stride·(p·j + r)] = b_r · w(j, r),
// b the length-p DFT of a (Stockham decimation in frequency); w(j, r) is at [j·(p − 1) + r − 1].

AI void radix2(const v8 *xr, const v8 *xi, v8 *yr, v8 *yi, long sub, long stride, const float *c,
               const float *s, int inv) {
    for (long j = 0; j < sub; j++)
        for (long q = 0; q < stride; q++) {
            const long i0 = q + stride * j, i1 = i0 + stride * sub, o = q + stride * 2 * j;
            const v8 ar = xr[i0], ai = xi[i0], br = xr[i1], bi = xi[i1];
            yr[o] = ar + br;
            yi[o] = ai + bi;
            v8 dr = ar - br, di = ai - bi;
            if (j != 0) twiddle(&dr, &di, c, s, j, inv);
            yr[o + stride] = dr;
            yi[o + stride] = di;
        }
}

AI void radix3(const v8 *xr, const v8 *xi, v8 *yr, v8 *yi, long sub, long stride, const float *c,
               const float *s, int inv) {
    const v8 half = 0.5f;
    // sin(2π/3) with the sign of the transform direction.
    const v8 s3 = inv ? 0.866025403784438646763723170752936183f : -0.866025403784438646763723170752936183f;
    for (long j = 0; j < sub; j++)
        for (long q = 0; q < stride; q++) {
            const long i0 = q + stride * j, i1 = i0 + stride * sub, i2 = i1 + stride * sub, o = q + stride * 3 * j;
            const v8 a0r = xr[i0], a0i = xi[i0];
            const v8 sr = xr[i1] + xr[i2], si = xi[i1] + xi[i2];
            const v8 dr = xr[i1] - xr[i2], di = xi[i1] - xi[i2];
            const v8 mr = a0r - sr * half, mi = a0i - si * half;
            v8 b1r = mr - s3 * di, b1i = mi + s3 * dr;
            v8 b2r = mr + s3 * di, b2i = mi - s3 * dr;
            yr[o] = a0r + sr;
            yi[o] = a0i + si;
            if (j != 0) {
                twiddle(&b1r, &b1i, c, s, j * 2, inv);
                twiddle(&b2r, &b2i, c, s, j * 2 + 1, inv);
            }
            yr[o + stride] = b1r;
            yi[o + stride] = b1i;
            yr[o + 2 * stride] = b2r;
            yi[o + 2 * stride] = b2i;
        }
}

AI void radix4(const v8 *xr, const v8 *xi, v8 *yr, v8 *yi, long sub, long stride, const float *c,
               const float *s, int inv) {
    for (long j = 0; j < sub; j++)
        for (long q = 0; q < stride; q++) {
            const long i0 = q + stride * j, i1 = i0 + stride * sub, i2 = i1 + stride * sub, i3 = i2 + stride * sub;
            const long o = q + stride * 4 * j;
            const v8 t0r = xr[i0] + xr[i2], t0i = xi[i0] + xi[i2];
            const v8 t1r = xr[i0] - xr[i2], t1i = xi[i0] - xi[i2];
            const v8 t2r = xr[i1] + xr[i3], t2i = xi[i1] + xi[i3];
            const v8 dr = xr[i1] - xr[i3], di = xi[i1] - xi[i3];
            // t3 = ∓i·d: −i·d = (di, −dr) forward, +i·d = (−di, dr) inverse.
            const v8 t3r = inv ? -di : di, t3i = inv ? dr : -dr;
            yr[o] = t0r + t2r;
            yi[o] = t0i + t2i;
            v8 b1r = t1r + t3r, b1i = t1i + t3i;
            v8 b2r = t0r - t2r, b2i = t0i - t2i;
            v8 b3r = t1r - t3r, b3i = t1i - t3i;
            if (j != 0) {
                twiddle(&b1r, &b1i, c, s, j * 3, inv);
                twiddle(&b2r, &b2i, c, s, j * 3 + 1, inv);
                twiddle(&b3r, &b3i, c, s, j * 3 + 2, inv);
            }
            yr[o + stride] = b1r;
            yi[o + stride] = b1i;
            yr[o + 2 * stride] = b2r;
            yi[o + 2 * stride] = b2i;
            yr[o + 3 * stride] = b3r;
            yi[o + 3 * stride] = b3i;
        }
}

/// Radix 5 written out (c₁ = cos 2π/5, c₂ = cos 4π/5, s₁ = sin 2π/5, s₂ = sin 4π/5):
/// U₁ = a₀ + c₁S₁ + c₂S₂, U₂ = a₀ + c₂S₁ + c₁S₂, V₁ = s₁D₁ + s₂D₂, V₂ = s₂D₁ − s₁D₂.
AI void radix5(const v8 *xr, const v8 *xi, v8 *yr, v8 *yi, long sub, long stride, const float *c,
               const float *s, int inv) {
    const v8 c1 = 0.309016994374947424102293417182819059f, c2 = -0.809016994374947424102293417182819059f;
    const v8 s1 = 0.951056516295153572116439333379382143f, s2 = 0.587785252292473129168705954639072769f;
    const long step = stride * sub;
    for (long j = 0; j < sub; j++)
        for (long q = 0; q < stride; q++) {
            const long i0 = q + stride * j, i1 = i0 + step, i2 = i1 + step, i3 = i2 + step, i4 = i3 + step;
            const long o = q + stride * 5 * j;
            const v8 a0r = xr[i0], a0i = xi[i0];
            const v8 s1r = xr[i1] + xr[i4], s1i = xi[i1] + xi[i4];
            const v8 d1r = xr[i1] - xr[i4], d1i = xi[i1] - xi[i4];
            const v8 s2r = xr[i2] + xr[i3], s2i = xi[i2] + xi[i3];
            const v8 d2r = xr[i2] - xr[i3], d2i = xi[i2] - xi[i3];
            const v8 u1r = a0r + c1 * s1r + c2 * s2r, u1i = a0i + c1 * s1i + c2 * s2i;
            const v8 u2r = a0r + c2 * s1r + c1 * s2r, u2i = a0i + c2 * s1i + c1 * s2i;
            const v8 v1r = s1 * d1r + s2 * d2r, v1i = s1 * d1i + s2 * d2i;
            const v8 v2r = s2 * d1r - s1 * d2r, v2i = s2 * d1i - s1 * d2i;
            yr[o] = a0r + s1r + s2r;
            yi[o] = a0i + s1i + s2i;
            // Forward: b_r = U − i·V, b_{5−r} = U + i·V; inverse the other way round.
            v8 b1r, b1i, b2r, b2i, b3r, b3i, b4r, b4i;
            if (inv) {
                b1r = u1r - v1i; b1i = u1i + v1r; b4r = u1r + v1i; b4i = u1i - v1r;
                b2r = u2r - v2i; b2i = u2i + v2r; b3r = u2r + v2i; b3i = u2i - v2r;
            } else {
                b1r = u1r + v1i; b1i = u1i - v1r; b4r = u1r - v1i; b4i = u1i + v1r;
                b2r = u2r + v2i; b2i = u2i - v2r; b3r = u2r - v2i; b3i = u2i + v2r;
            }
            if (j != 0) {
                twiddle(&b1r, &b1i, c, s, j * 4, inv);
                twiddle(&b2r, &b2i, c, s, j * 4 + 1, inv);
                twiddle(&b3r, &b3i, c, s, j * 4 + 2, inv);
                twiddle(&b4r, &b4i, c, s, j * 4 + 3, inv);
            }
            yr[o + stride] = b1r;
            yi[o + stride] = b1i;
            yr[o + 2 * stride] = b2r;
            yi[o + 2 * stride] = b2i;
            yr[o + 3 * stride] = b3r;
            yi[o + 3 * stride] = b3i;
            yr[o + 4 * stride] = b4r;
            yi[o + 4 * stride] = b4i;
        }
}

/// Odd radix p ≥ 7 through the symmetric sums: with s_k = a_k + a_{p−k} and d_k = a_k − a_{p−k},
/// U_r = a₀ + Σ_k cos(2πrk/p)·s_k and V_r = Σ_k sin(2πrk/p)·d_k (k = 1 … (p−1)/2 in that order,
/// V starting from 0), b_r = U_r ∓ i·V_r and b_{p−r} = U_r ± i·V_r. oc/os hold cos/sin(2πrk/p)
/// at [(r − 1)·h + k − 1].
AI void radix_odd(long p, const v8 *xr, const v8 *xi, v8 *yr, v8 *yi, long sub, long stride, const float *c,
                  const float *s, const float *oc, const float *os, int inv) {
    enum { MAX_HALF = 256 };
    const long h = (p - 1) / 2, step = stride * sub;
    v8 sr[MAX_HALF], si[MAX_HALF], dr[MAX_HALF], di[MAX_HALF];
    for (long j = 0; j < sub; j++)
        for (long q = 0; q < stride; q++) {
            const long base = q + stride * j, o = q + stride * p * j;
            const v8 a0r = xr[base], a0i = xi[base];
            v8 totalR = a0r, totalI = a0i;
            for (long k = 1; k <= h; k++) {
                const long ik = base + k * step, ipk = base + (p - k) * step;
                sr[k - 1] = xr[ik] + xr[ipk];
                si[k - 1] = xi[ik] + xi[ipk];
                dr[k - 1] = xr[ik] - xr[ipk];
                di[k - 1] = xi[ik] - xi[ipk];
                totalR += sr[k - 1];
                totalI += si[k - 1];
            }
            yr[o] = totalR;
            yi[o] = totalI;
            for (long r = 1; r <= h; r++) {
                v8 ur = a0r, ui = a0i, vr = 0.0f, vi = 0.0f;
                for (long k = 1; k <= h; k++) {
                    const v8 cv = oc[(r - 1) * h + k - 1], sv = os[(r - 1) * h + k - 1];
                    ur += cv * sr[k - 1];
                    ui += cv * si[k - 1];
                    vr += sv * dr[k - 1];
                    vi += sv * di[k - 1];
                }
                v8 br, bi, cr, ci;
                if (inv) {
                    br = ur - vi; bi = ui + vr; cr = ur + vi; ci = ui - vr;
                } else {
                    br = ur + vi; bi = ui - vr; cr = ur - vi; ci = ui + vr;
                }
                if (j != 0) {
                    twiddle(&br, &bi, c, s, j * (p - 1) + r - 1, inv);
                    twiddle(&cr, &ci, c, s, j * (p - 1) + (p - r) - 1, inv);
                }
                yr[o + r * stride] = br;
                yi[o + r * stride] = bi;
                yr[o + (p - r) * stride] = cr;
                yi[o + (p - r) * stride] = ci;
            }
        }
}

/// The whole 1-D transform of eight sequences held in re/im (n vectors), with work as scratch.
AI void fft8(const mb_fft_plan *plan, v8 *re, v8 *im, v8 *work_re, v8 *work_im, int inv) {
    v8 *xr = re, *xi = im, *yr = work_re, *yi = work_im;
    long len = plan->length, stride = 1;
    for (long stage = 0; stage < plan->stages; stage++) {
        const long p = plan->radix[stage], sub = len / p;
        const float *c = plan->cos_table + plan->table_offset[stage];
        const float *s = plan->sin_table + plan->table_offset[stage];
        switch (p) {
        case 2: radix2(xr, xi, yr, yi, sub, stride, c, s, inv); break;
        case 3: radix3(xr, xi, yr, yi, sub, stride, c, s, inv); break;
        case 4: radix4(xr, xi, yr, yi, sub, stride, c, s, inv); break;
        case 5: radix5(xr, xi, yr, yi, sub, stride, c, s, inv); break;
        default:
            radix_odd(p, xr, xi, yr, yi, sub, stride, c, s, plan->odd_cos + plan->odd_offset[stage],
                      plan->odd_sin + plan->odd_offset[stage], inv);
        }
        v8 *t = xr; xr = yr; yr = t;
        t = xi; xi = yi; yi = t;
        len = sub;
        stride *= p;
    }
    if (xr != re)
        for (long t = 0; t < plan->length; t++) {
            re[t] = xr[t];
            im[t] = xi[t];
        }
}

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

/// Columns c0 … c0 + 7 of a grid along its row index, in place.
AI void grid_columns(const mb_fft_plan *plan, float *re, float *im, long ld, long c0, v8 *buf, int inv) {
    const long n = plan->length;
    v8 *br = buf, *bi = buf + n, *wr = buf + 2 * n, *wi = buf + 3 * n;
    for (long t = 0; t < n; t++) {
        br[t] = *(const v8 *)(re + t * ld + c0);
        bi[t] = *(const v8 *)(im + t * ld + c0);
    }
    fft8(plan, br, bi, wr, wi, inv);
    for (long t = 0; t < n; t++) {
        *(v8 *)(re + t * ld + c0) = br[t];
        *(v8 *)(im + t * ld + c0) = bi[t];
    }
}

/// Rows r0 … r0 + 7 of src along their column index (values at t ≥ valid taken as +0), written
/// transposed: element f of row r0 + l goes to dst[f·ld + r0 + l].
AI void grid_rows(const mb_fft_plan *plan, const float *src_re, const float *src_im, long ld, long r0, long valid,
                  float *dst_re, float *dst_im, v8 *buf, int inv) {
    const long n = plan->length;
    v8 *br = buf, *bi = buf + n, *wr = buf + 2 * n, *wi = buf + 3 * n;
    long t = 0;
    for (; t + 8 <= valid; t += 8) {
        v8 rows[8];
        for (int l = 0; l < 8; l++) rows[l] = *(const v8 *)(src_re + (r0 + l) * ld + t);
        transpose8(rows, br + t);
        for (int l = 0; l < 8; l++) rows[l] = *(const v8 *)(src_im + (r0 + l) * ld + t);
        transpose8(rows, bi + t);
    }
    for (; t < valid; t++)
        for (int l = 0; l < 8; l++) {
            br[t][l] = src_re[(r0 + l) * ld + t];
            bi[t][l] = src_im[(r0 + l) * ld + t];
        }
    for (; t < n; t++) br[t] = bi[t] = 0.0f;
    fft8(plan, br, bi, wr, wi, inv);
    for (long f = 0; f < n; f++) {
        *(v8 *)(dst_re + f * ld + r0) = br[f];
        *(v8 *)(dst_im + f * ld + r0) = bi[f];
    }
}

// Each entry point runs one body per instruction set; all variants give the same bits (eight
// independent lanes, no fused multiply-add).
static void fft8_sse2(const mb_fft_plan *p, v8 *re, v8 *im, v8 *wr, v8 *wi, int inv) { fft8(p, re, im, wr, wi, inv); }
static void columns_sse2(const mb_fft_plan *p, float *re, float *im, long ld, long c0, v8 *buf, int inv) {
    grid_columns(p, re, im, ld, c0, buf, inv);
}
static void rows_sse2(const mb_fft_plan *p, const float *sr, const float *si, long ld, long r0, long valid, float *dr,
                      float *di, v8 *buf, int inv) {
    grid_rows(p, sr, si, ld, r0, valid, dr, di, buf, inv);
}
#if defined(__x86_64__)
__attribute__((target("avx2"))) static void fft8_avx2(const mb_fft_plan *p, v8 *re, v8 *im, v8 *wr, v8 *wi, int inv) {
    fft8(p, re, im, wr, wi, inv);
}
__attribute__((target("avx2"))) static void columns_avx2(const mb_fft_plan *p, float *re, float *im, long ld, long c0,
                                                         v8 *buf, int inv) {
    grid_columns(p, re, im, ld, c0, buf, inv);
}
__attribute__((target("avx2"))) static void rows_avx2(const mb_fft_plan *p, const float *sr, const float *si, long ld,
                                                      long r0, long valid, float *dr, float *di, v8 *buf, int inv) {
    grid_rows(p, sr, si, ld, r0, valid, dr, di, buf, inv);
}
#endif

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

int mb_fft_grid_columns(const mb_fft_plan *plan, float *re, float *im, long ld, long c0, float *scratch,
                        int inverse) {
    if (!plan_ok(plan) || c0 < 0 || ld < c0 + 8) return -1;
#if defined(__x86_64__)
    if (mb_kernel_isa() >= 1) {
        columns_avx2(plan, re, im, ld, c0, (v8 *)scratch, inverse);
        return 0;
    }
#endif
    columns_sse2(plan, re, im, ld, c0, (v8 *)scratch, inverse);
    return 0;
}

int mb_fft_grid_rows(const mb_fft_plan *plan, const float *src_re, const float *src_im, long ld, long r0, long valid,
                     float *dst_re, float *dst_im, float *scratch, int inverse) {
    if (!plan_ok(plan) || r0 < 0 || ld < r0 + 8 || valid < 0 || valid > plan->length || ld < plan->length) return -1;
#if defined(__x86_64__)
    if (mb_kernel_isa() >= 1) {
        rows_avx2(plan, src_re, src_im, ld, r0, valid, dst_re, dst_im, (v8 *)scratch, inverse);
        return 0;
    }
#endif
    rows_sse2(plan, src_re, src_im, ld, r0, valid, dst_re, dst_im, (v8 *)scratch, inverse);
    return 0;
}
