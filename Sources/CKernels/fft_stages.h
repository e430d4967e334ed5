// The FFT's stages on one vector type, included by fft.c once per width with VEC (a vector of
// floats) and FN(name) (the width's function name) defined. Every lane is one sequence; all
// arithmetic is per lane, so every width and instruction set gives the same bits.

/// (re, im) ← (re, im) · w with w = cos + i·(∓sin): − forward, + inverse (the sign is applied to
/// the scalar before it is broadcast, exactly as the formula in FFTPlan's documentation reads).
AI void FN(twiddle)(VEC *re, VEC *im, const float *c, const float *s, long k, int inverse) {
    const VEC cv = c[k];
    const VEC sv = inverse ? s[k] : -s[k];
    const VEC r = *re, i = *im;
    *re = r * cv - i * sv;
    *im = r * sv + i * cv;
}

// Every stage reads a_k = x[q + stride·(j + k·sub)] and writes y[q + stride·(p·j + r)] = b_r · w(j, r),
// b the length-p DFT of a (Stockham decimation in frequency); w(j, r) is at [j·(p − 1) + r − 1].

AI void FN(radix2)(const VEC *xr, const VEC *xi, VEC *yr, VEC *yi, long sub, long stride, const float *c,
               const float *s, int inv) {
    for (long j = 0; j < sub; j++)
        for (long q = 0; q < stride; q++) {
            const long i0 = q + stride * j, i1 = i0 + stride * sub, o = q + stride * 2 * j;
            const VEC ar = xr[i0], ai = xi[i0], br = xr[i1], bi = xi[i1];
            yr[o] = ar + br;
            yi[o] = ai + bi;
            VEC dr = ar - br, di = ai - bi;
            if (j != 0) FN(twiddle)(&dr, &di, c, s, j, inv);
            yr[o + stride] = dr;
            yi[o + stride] = di;
        }
}

AI void FN(radix3)(const VEC *xr, const VEC *xi, VEC *yr, VEC *yi, long sub, long stride, const float *c,
               const float *s, int inv) {
    const VEC half = 0.5f;
    // sin(2π/3) with the sign of the transform direction.
    const VEC s3 = inv ? 0.866025403784438646763723170752936183f : -0.866025403784438646763723170752936183f;
    for (long j = 0; j < sub; j++)
        for (long q = 0; q < stride; q++) {
            const long i0 = q + stride * j, i1 = i0 + stride * sub, i2 = i1 + stride * sub, o = q + stride * 3 * j;
            const VEC a0r = xr[i0], a0i = xi[i0];
            const VEC sr = xr[i1] + xr[i2], si = xi[i1] + xi[i2];
            const VEC dr = xr[i1] - xr[i2], di = xi[i1] - xi[i2];
            const VEC mr = a0r - sr * half, mi = a0i - si * half;
            VEC b1r = mr - s3 * di, b1i = mi + s3 * dr;
            VEC b2r = mr + s3 * di, b2i = mi - s3 * dr;
            yr[o] = a0r + sr;
            yi[o] = a0i + si;
            if (j != 0) {
                FN(twiddle)(&b1r, &b1i, c, s, j * 2, inv);
                FN(twiddle)(&b2r, &b2i, c, s, j * 2 + 1, inv);
            }
            yr[o + stride] = b1r;
            yi[o + stride] = b1i;
            yr[o + 2 * stride] = b2r;
            yi[o + 2 * stride] = b2i;
        }
}

AI void FN(radix4)(const VEC *xr, const VEC *xi, VEC *yr, VEC *yi, long sub, long stride, const float *c,
               const float *s, int inv) {
    for (long j = 0; j < sub; j++)
        for (long q = 0; q < stride; q++) {
            const long i0 = q + stride * j, i1 = i0 + stride * sub, i2 = i1 + stride * sub, i3 = i2 + stride * sub;
            const long o = q + stride * 4 * j;
            const VEC t0r = xr[i0] + xr[i2], t0i = xi[i0] + xi[i2];
            const VEC t1r = xr[i0] - xr[i2], t1i = xi[i0] - xi[i2];
            const VEC t2r = xr[i1] + xr[i3], t2i = xi[i1] + xi[i3];
            const VEC dr = xr[i1] - xr[i3], di = xi[i1] - xi[i3];
            // t3 = ∓i·d: −i·d = (di, −dr) forward, +i·d = (−di, dr) inverse.
            const VEC t3r = inv ? -di : di, t3i = inv ? dr : -dr;
            yr[o] = t0r + t2r;
            yi[o] = t0i + t2i;
            VEC b1r = t1r + t3r, b1i = t1i + t3i;
            VEC b2r = t0r - t2r, b2i = t0i - t2i;
            VEC b3r = t1r - t3r, b3i = t1i - t3i;
            if (j != 0) {
                FN(twiddle)(&b1r, &b1i, c, s, j * 3, inv);
                FN(twiddle)(&b2r, &b2i, c, s, j * 3 + 1, inv);
                FN(twiddle)(&b3r, &b3i, c, s, j * 3 + 2, inv);
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
AI void FN(radix5)(const VEC *xr, const VEC *xi, VEC *yr, VEC *yi, long sub, long stride, const float *c,
               const float *s, int inv) {
    const VEC c1 = 0.309016994374947424102293417182819059f, c2 = -0.809016994374947424102293417182819059f;
    const VEC s1 = 0.951056516295153572116439333379382143f, s2 = 0.587785252292473129168705954639072769f;
    const long step = stride * sub;
    for (long j = 0; j < sub; j++)
        for (long q = 0; q < stride; q++) {
            const long i0 = q + stride * j, i1 = i0 + step, i2 = i1 + step, i3 = i2 + step, i4 = i3 + step;
            const long o = q + stride * 5 * j;
            const VEC a0r = xr[i0], a0i = xi[i0];
            const VEC s1r = xr[i1] + xr[i4], s1i = xi[i1] + xi[i4];
            const VEC d1r = xr[i1] - xr[i4], d1i = xi[i1] - xi[i4];
            const VEC s2r = xr[i2] + xr[i3], s2i = xi[i2] + xi[i3];
            const VEC d2r = xr[i2] - xr[i3], d2i = xi[i2] - xi[i3];
            const VEC u1r = a0r + c1 * s1r + c2 * s2r, u1i = a0i + c1 * s1i + c2 * s2i;
            const VEC u2r = a0r + c2 * s1r + c1 * s2r, u2i = a0i + c2 * s1i + c1 * s2i;
            const VEC v1r = s1 * d1r + s2 * d2r, v1i = s1 * d1i + s2 * d2i;
            const VEC v2r = s2 * d1r - s1 * d2r, v2i = s2 * d1i - s1 * d2i;
            yr[o] = a0r + s1r + s2r;
            yi[o] = a0i + s1i + s2i;
            // Forward: b_r = U − i·V, b_{5−r} = U + i·V; inverse the other way round.
            VEC b1r, b1i, b2r, b2i, b3r, b3i, b4r, b4i;
            if (inv) {
                b1r = u1r - v1i; b1i = u1i + v1r; b4r = u1r + v1i; b4i = u1i - v1r;
                b2r = u2r - v2i; b2i = u2i + v2r; b3r = u2r + v2i; b3i = u2i - v2r;
            } else {
                b1r = u1r + v1i; b1i = u1i - v1r; b4r = u1r - v1i; b4i = u1i + v1r;
                b2r = u2r + v2i; b2i = u2i - v2r; b3r = u2r - v2i; b3i = u2i + v2r;
            }
            if (j != 0) {
                FN(twiddle)(&b1r, &b1i, c, s, j * 4, inv);
                FN(twiddle)(&b2r, &b2i, c, s, j * 4 + 1, inv);
                FN(twiddle)(&b3r, &b3i, c, s, j * 4 + 2, inv);
                FN(twiddle)(&b4r, &b4i, c, s, j * 4 + 3, inv);
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
AI void FN(radix_odd)(long p, const VEC *xr, const VEC *xi, VEC *yr, VEC *yi, long sub, long stride, const float *c,
                  const float *s, const float *oc, const float *os, int inv) {
    enum { MAX_HALF = 256 };
    const long h = (p - 1) / 2, step = stride * sub;
    VEC sr[MAX_HALF], si[MAX_HALF], dr[MAX_HALF], di[MAX_HALF];
    for (long j = 0; j < sub; j++)
        for (long q = 0; q < stride; q++) {
            const long base = q + stride * j, o = q + stride * p * j;
            const VEC a0r = xr[base], a0i = xi[base];
            VEC totalR = a0r, totalI = a0i;
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
                VEC ur = a0r, ui = a0i, vr = 0.0f, vi = 0.0f;
                for (long k = 1; k <= h; k++) {
                    const VEC cv = oc[(r - 1) * h + k - 1], sv = os[(r - 1) * h + k - 1];
                    ur += cv * sr[k - 1];
                    ui += cv * si[k - 1];
                    vr += sv * dr[k - 1];
                    vi += sv * di[k - 1];
                }
                VEC br, bi, cr, ci;
                if (inv) {
                    br = ur - vi; bi = ui + vr; cr = ur + vi; ci = ui - vr;
                } else {
                    br = ur + vi; bi = ui - vr; cr = ur - vi; ci = ui + vr;
                }
                if (j != 0) {
                    FN(twiddle)(&br, &bi, c, s, j * (p - 1) + r - 1, inv);
                    FN(twiddle)(&cr, &ci, c, s, j * (p - 1) + (p - r) - 1, inv);
                }
                yr[o + r * stride] = br;
                yi[o + r * stride] = bi;
                yr[o + (p - r) * stride] = cr;
                yi[o + (p - r) * stride] = ci;
            }
        }
}

/// The whole 1-D transform of eight sequences held in re/im (n vectors), with work as scratch.
AI void FN(fft)(const mb_fft_plan *plan, VEC *re, VEC *im, VEC *work_re, VEC *work_im, int inv) {
    VEC *xr = re, *xi = im, *yr = work_re, *yi = work_im;
    long len = plan->length, stride = 1;
    for (long stage = 0; stage < plan->stages; stage++) {
        const long p = plan->radix[stage], sub = len / p;
        const float *c = plan->cos_table + plan->table_offset[stage];
        const float *s = plan->sin_table + plan->table_offset[stage];
        switch (p) {
        case 2: FN(radix2)(xr, xi, yr, yi, sub, stride, c, s, inv); break;
        case 3: FN(radix3)(xr, xi, yr, yi, sub, stride, c, s, inv); break;
        case 4: FN(radix4)(xr, xi, yr, yi, sub, stride, c, s, inv); break;
        case 5: FN(radix5)(xr, xi, yr, yi, sub, stride, c, s, inv); break;
        default:
            FN(radix_odd)(p, xr, xi, yr, yi, sub, stride, c, s, plan->odd_cos + plan->odd_offset[stage],
                      plan->odd_sin + plan->odd_offset[stage], inv);
        }
        VEC *t = xr; xr = yr; yr = t;
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

