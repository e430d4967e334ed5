/// A complex FFT of one length, applied to eight sequences at once, with the same bits on every
/// CPU.
///
/// **Determinism contract.** The arithmetic is fixed by the length alone: the length is factored
/// the same way everywhere (radix 4 first, then 2, then odd primes in increasing order), each
/// stage is a Stockham decimation-in-frequency step in a fixed loop order, twiddle factors are
/// computed once in double precision through `DeterministicMath`, and every butterfly sums in a
/// written-down order without fused multiply-add. The eight SIMD lanes hold eight *different*
/// sequences, so a lane computes exactly what a scalar FFT would; no library and no CPU feature
/// chooses anything. This replaces FFTW, whose codelets are picked by CPU (issue 15).
///
/// Forward: X[f] = Σ_t x[t] · exp(−2πi f t / n). Inverse: the same with +i, unnormalised
/// (a forward-inverse round trip multiplies by n).
public struct FFTPlan: Sendable {
    /// Transform length n (≥ 1).
    public let length: Int
    /// Radices of the stages, in the order they run (their product is n).
    public let radices: [Int]
    /// Per stage: cos and sin of 2π·j·r/len for j < len/p and 1 ≤ r < p, stored [j][r − 1].
    private let stageCos: [[Float]]
    private let stageSin: [[Float]]
    /// Per odd radix p > 5 used: cos/sin(2π·r·k/p) for r, k in 1…(p−1)/2, stored [r − 1][k − 1].
    private let oddCos: [Int: [Float]]
    private let oddSin: [Int: [Float]]

    /// Plans a transform of `length` points. Lengths with large prime factors work (a prime p
    /// costs O(p) per point in its stage); callers that choose their length prefer 2·3·5·7-smooth ones.
    public init(length: Int) {
        precondition(length >= 1, "FFT length must be positive")
        self.length = length
        radices = FFTPlan.factor(length)
        var cosTables: [[Float]] = [], sinTables: [[Float]] = []
        var len = length
        for p in radices {
            let sub = len / p
            var c = [Float](repeating: 0, count: sub * (p - 1))
            var s = [Float](repeating: 0, count: sub * (p - 1))
            for j in 0..<sub {
                for r in 1..<p {
                    // Reduce j·r modulo len exactly in integers before the angle is formed.
                    let angle = 2 * Double.pi * Double((j * r) % len) / Double(len)
                    c[j * (p - 1) + r - 1] = Float(DeterministicMath.cos(angle))
                    s[j * (p - 1) + r - 1] = Float(DeterministicMath.sin(angle))
                }
            }
            cosTables.append(c); sinTables.append(s)
            len = sub
        }
        stageCos = cosTables; stageSin = sinTables
        var oc: [Int: [Float]] = [:], os: [Int: [Float]] = [:]
        for p in Set(radices) where p > 5 {
            let h = (p - 1) / 2
            var c = [Float](repeating: 0, count: h * h), s = [Float](repeating: 0, count: h * h)
            for r in 1...h {
                for k in 1...h {
                    let angle = 2 * Double.pi * Double((r * k) % p) / Double(p)
                    c[(r - 1) * h + k - 1] = Float(DeterministicMath.cos(angle))
                    s[(r - 1) * h + k - 1] = Float(DeterministicMath.sin(angle))
                }
            }
            oc[p] = c; os[p] = s
        }
        oddCos = oc; oddSin = os
    }

    /// The stage radices for n: as many 4s as fit, then a 2, then odd primes ascending.
    static func factor(_ n: Int) -> [Int] {
        var rest = n, out: [Int] = []
        while rest % 4 == 0 { out.append(4); rest /= 4 }
        if rest % 2 == 0 { out.append(2); rest /= 2 }
        var p = 3
        while rest > 1 {
            if p * p > rest { out.append(rest); break }
            while rest % p == 0 { out.append(p); rest /= p }
            p += 2
        }
        return out
    }

    /// Transforms eight sequences in place. `re`/`im` hold `length` vectors (element t of the
    /// eight sequences); `workRe`/`workIm` are scratch of the same size.
    public func transform(re: UnsafeMutablePointer<SIMD8<Float>>, im: UnsafeMutablePointer<SIMD8<Float>>,
                          workRe: UnsafeMutablePointer<SIMD8<Float>>, workIm: UnsafeMutablePointer<SIMD8<Float>>,
                          inverse: Bool) {
        var xr = re, xi = im, yr = workRe, yi = workIm
        var len = length, stride = 1
        for (stage, p) in radices.enumerated() {
            let sub = len / p
            stageCos[stage].withUnsafeBufferPointer { cb in
                stageSin[stage].withUnsafeBufferPointer { sb in
                    let tw = Twiddles(cos: cb.baseAddress!, sin: sb.baseAddress!, radix: p, inverse: inverse)
                    switch p {
                    case 2: FFTPlan.radix2(xr, xi, yr, yi, sub: sub, stride: stride, tw: tw)
                    case 3: FFTPlan.radix3(xr, xi, yr, yi, sub: sub, stride: stride, tw: tw)
                    case 4: FFTPlan.radix4(xr, xi, yr, yi, sub: sub, stride: stride, tw: tw)
                    case 5: FFTPlan.radix5(xr, xi, yr, yi, sub: sub, stride: stride, tw: tw)
                    default:
                        oddCos[p]!.withUnsafeBufferPointer { oc in
                            oddSin[p]!.withUnsafeBufferPointer { os in
                                FFTPlan.radixOdd(p, xr, xi, yr, yi, sub: sub, stride: stride, tw: tw,
                                                 cos: oc.baseAddress!, sin: os.baseAddress!)
                            }
                        }
                    }
                }
            }
            swap(&xr, &yr); swap(&xi, &yi)
            len = sub; stride *= p
        }
        if xr != re {
            re.update(from: xr, count: length)
            im.update(from: xi, count: length)
        }
    }

    /// Twiddle factors of one stage: w(j, r) = exp(∓2πi·j·r/len), − forward, + inverse.
    struct Twiddles {
        let cos: UnsafePointer<Float>
        let sin: UnsafePointer<Float>
        let radix: Int
        let inverse: Bool

        /// (re, im) multiplied by w(j, r), r ≥ 1.
        @inline(__always)
        func apply(_ re: SIMD8<Float>, _ im: SIMD8<Float>, j: Int, r: Int) -> (SIMD8<Float>, SIMD8<Float>) {
            let c = SIMD8<Float>(repeating: cos[j * (radix - 1) + r - 1])
            let s = SIMD8<Float>(repeating: inverse ? sin[j * (radix - 1) + r - 1] : -sin[j * (radix - 1) + r - 1])
            return (re * c - im * s, re * s + im * c)
        }
    }

    // Each stage reads a_k = x[q + stride·(j + k·sub)] and writes y[q + stride·(p·j + r)] = b_r · w(j, r),
    // where b is the length-p DFT of a (the Stockham decimation-in-frequency step).

    @inline(__always)
    static func radix2(_ xr: UnsafeMutablePointer<SIMD8<Float>>, _ xi: UnsafeMutablePointer<SIMD8<Float>>,
                       _ yr: UnsafeMutablePointer<SIMD8<Float>>, _ yi: UnsafeMutablePointer<SIMD8<Float>>,
                       sub: Int, stride: Int, tw: Twiddles) {
        for j in 0..<sub {
            for q in 0..<stride {
                let i0 = q + stride * j, i1 = i0 + stride * sub
                let o = q + stride * 2 * j
                let ar = xr[i0], ai = xi[i0], br = xr[i1], bi = xi[i1]
                yr[o] = ar + br; yi[o] = ai + bi
                let (dr, di) = j == 0 ? (ar - br, ai - bi) : tw.apply(ar - br, ai - bi, j: j, r: 1)
                yr[o + stride] = dr; yi[o + stride] = di
            }
        }
    }

    @inline(__always)
    static func radix3(_ xr: UnsafeMutablePointer<SIMD8<Float>>, _ xi: UnsafeMutablePointer<SIMD8<Float>>,
                       _ yr: UnsafeMutablePointer<SIMD8<Float>>, _ yi: UnsafeMutablePointer<SIMD8<Float>>,
                       sub: Int, stride: Int, tw: Twiddles) {
        let half = SIMD8<Float>(repeating: 0.5)
        // sin(2π/3), with the sign of the transform direction.
        let s3 = SIMD8<Float>(repeating: tw.inverse ? 0.866025403784438646763723170752936183 : -0.866025403784438646763723170752936183)
        for j in 0..<sub {
            for q in 0..<stride {
                let i0 = q + stride * j, i1 = i0 + stride * sub, i2 = i1 + stride * sub
                let o = q + stride * 3 * j
                let a0r = xr[i0], a0i = xi[i0]
                let sr = xr[i1] + xr[i2], si = xi[i1] + xi[i2]
                let dr = xr[i1] - xr[i2], di = xi[i1] - xi[i2]
                let mr = a0r - sr * half, mi = a0i - si * half
                // b1 = m + i·s3·d, b2 = m − i·s3·d (s3 negative for the forward transform).
                let b1r = mr - s3 * di, b1i = mi + s3 * dr
                let b2r = mr + s3 * di, b2i = mi - s3 * dr
                yr[o] = a0r + sr; yi[o] = a0i + si
                if j == 0 {
                    yr[o + stride] = b1r; yi[o + stride] = b1i
                    yr[o + 2 * stride] = b2r; yi[o + 2 * stride] = b2i
                } else {
                    (yr[o + stride], yi[o + stride]) = tw.apply(b1r, b1i, j: j, r: 1)
                    (yr[o + 2 * stride], yi[o + 2 * stride]) = tw.apply(b2r, b2i, j: j, r: 2)
                }
            }
        }
    }

    @inline(__always)
    static func radix4(_ xr: UnsafeMutablePointer<SIMD8<Float>>, _ xi: UnsafeMutablePointer<SIMD8<Float>>,
                       _ yr: UnsafeMutablePointer<SIMD8<Float>>, _ yi: UnsafeMutablePointer<SIMD8<Float>>,
                       sub: Int, stride: Int, tw: Twiddles) {
        for j in 0..<sub {
            for q in 0..<stride {
                let i0 = q + stride * j, i1 = i0 + stride * sub, i2 = i1 + stride * sub, i3 = i2 + stride * sub
                let o = q + stride * 4 * j
                let t0r = xr[i0] + xr[i2], t0i = xi[i0] + xi[i2]
                let t1r = xr[i0] - xr[i2], t1i = xi[i0] - xi[i2]
                let t2r = xr[i1] + xr[i3], t2i = xi[i1] + xi[i3]
                let dr = xr[i1] - xr[i3], di = xi[i1] - xi[i3]
                // t3 = ∓i·d: −i·d = (di, −dr) forward, +i·d = (−di, dr) inverse.
                let t3r = tw.inverse ? -di : di, t3i = tw.inverse ? dr : -dr
                yr[o] = t0r + t2r; yi[o] = t0i + t2i
                let b1r = t1r + t3r, b1i = t1i + t3i
                let b2r = t0r - t2r, b2i = t0i - t2i
                let b3r = t1r - t3r, b3i = t1i - t3i
                if j == 0 {
                    yr[o + stride] = b1r; yi[o + stride] = b1i
                    yr[o + 2 * stride] = b2r; yi[o + 2 * stride] = b2i
                    yr[o + 3 * stride] = b3r; yi[o + 3 * stride] = b3i
                } else {
                    (yr[o + stride], yi[o + stride]) = tw.apply(b1r, b1i, j: j, r: 1)
                    (yr[o + 2 * stride], yi[o + 2 * stride]) = tw.apply(b2r, b2i, j: j, r: 2)
                    (yr[o + 3 * stride], yi[o + 3 * stride]) = tw.apply(b3r, b3i, j: j, r: 3)
                }
            }
        }
    }

    /// Radix 5: the odd-radix sums written out (c₁ = cos 2π/5, c₂ = cos 4π/5, s₁ = sin 2π/5,
    /// s₂ = sin 4π/5): U₁ = a₀ + c₁S₁ + c₂S₂, U₂ = a₀ + c₂S₁ + c₁S₂, V₁ = s₁D₁ + s₂D₂, V₂ = s₂D₁ − s₁D₂.
    @inline(__always)
    static func radix5(_ xr: UnsafeMutablePointer<SIMD8<Float>>, _ xi: UnsafeMutablePointer<SIMD8<Float>>,
                       _ yr: UnsafeMutablePointer<SIMD8<Float>>, _ yi: UnsafeMutablePointer<SIMD8<Float>>,
                       sub: Int, stride: Int, tw: Twiddles) {
        let c1 = SIMD8<Float>(repeating: 0.309016994374947424102293417182819059)
        let c2 = SIMD8<Float>(repeating: -0.809016994374947424102293417182819059)
        let s1 = SIMD8<Float>(repeating: 0.951056516295153572116439333379382143)
        let s2 = SIMD8<Float>(repeating: 0.587785252292473129168705954639072769)
        for j in 0..<sub {
            for q in 0..<stride {
                let step = stride * sub
                let i0 = q + stride * j, i1 = i0 + step, i2 = i1 + step, i3 = i2 + step, i4 = i3 + step
                let o = q + stride * 5 * j
                let a0r = xr[i0], a0i = xi[i0]
                let s1r = xr[i1] + xr[i4], s1i = xi[i1] + xi[i4]
                let d1r = xr[i1] - xr[i4], d1i = xi[i1] - xi[i4]
                let s2r = xr[i2] + xr[i3], s2i = xi[i2] + xi[i3]
                let d2r = xr[i2] - xr[i3], d2i = xi[i2] - xi[i3]
                let u1r = a0r + c1 * s1r + c2 * s2r, u1i = a0i + c1 * s1i + c2 * s2i
                let u2r = a0r + c2 * s1r + c1 * s2r, u2i = a0i + c2 * s1i + c1 * s2i
                let v1r = s1 * d1r + s2 * d2r, v1i = s1 * d1i + s2 * d2i
                let v2r = s2 * d1r - s1 * d2r, v2i = s2 * d1i - s1 * d2i
                yr[o] = a0r + s1r + s2r; yi[o] = a0i + s1i + s2i
                // Forward: b_r = U − i·V, b_{5−r} = U + i·V; inverse the other way round.
                var b1 = tw.inverse ? (u1r - v1i, u1i + v1r) : (u1r + v1i, u1i - v1r)
                var b4 = tw.inverse ? (u1r + v1i, u1i - v1r) : (u1r - v1i, u1i + v1r)
                var b2 = tw.inverse ? (u2r - v2i, u2i + v2r) : (u2r + v2i, u2i - v2r)
                var b3 = tw.inverse ? (u2r + v2i, u2i - v2r) : (u2r - v2i, u2i + v2r)
                if j != 0 {
                    b1 = tw.apply(b1.0, b1.1, j: j, r: 1)
                    b2 = tw.apply(b2.0, b2.1, j: j, r: 2)
                    b3 = tw.apply(b3.0, b3.1, j: j, r: 3)
                    b4 = tw.apply(b4.0, b4.1, j: j, r: 4)
                }
                yr[o + stride] = b1.0; yi[o + stride] = b1.1
                yr[o + 2 * stride] = b2.0; yi[o + 2 * stride] = b2.1
                yr[o + 3 * stride] = b3.0; yi[o + 3 * stride] = b3.1
                yr[o + 4 * stride] = b4.0; yi[o + 4 * stride] = b4.1
            }
        }
    }

    /// Odd radix p ≥ 7 through the symmetric sums: with s_k = a_k + a_{p−k} and d_k = a_k − a_{p−k},
    /// U_r = a_0 + Σ_k cos(2πrk/p)·s_k and V_r = Σ_k sin(2πrk/p)·d_k (k = 1…(p−1)/2, in that order),
    /// b_r = U_r ∓ i·V_r and b_{p−r} = U_r ± i·V_r.
    static func radixOdd(_ p: Int, _ xr: UnsafeMutablePointer<SIMD8<Float>>, _ xi: UnsafeMutablePointer<SIMD8<Float>>,
                         _ yr: UnsafeMutablePointer<SIMD8<Float>>, _ yi: UnsafeMutablePointer<SIMD8<Float>>,
                         sub: Int, stride: Int, tw: Twiddles, cos: UnsafePointer<Float>, sin: UnsafePointer<Float>) {
        let h = (p - 1) / 2
        withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 4 * h) { scratch in
            let sr = scratch.baseAddress!, si = sr + h, dr = sr + 2 * h, di = sr + 3 * h
            for j in 0..<sub {
                for q in 0..<stride {
                    let base = q + stride * j, step = stride * sub
                    let a0r = xr[base], a0i = xi[base]
                    var totalR = a0r, totalI = a0i
                    for k in 1...h {
                        let ik = base + k * step, ipk = base + (p - k) * step
                        sr[k - 1] = xr[ik] + xr[ipk]; si[k - 1] = xi[ik] + xi[ipk]
                        dr[k - 1] = xr[ik] - xr[ipk]; di[k - 1] = xi[ik] - xi[ipk]
                        totalR += sr[k - 1]; totalI += si[k - 1]
                    }
                    let o = q + stride * p * j
                    yr[o] = totalR; yi[o] = totalI
                    for r in 1...h {
                        var ur = a0r, ui = a0i, vr = SIMD8<Float>.zero, vi = SIMD8<Float>.zero
                        for k in 1...h {
                            let c = SIMD8<Float>(repeating: cos[(r - 1) * h + k - 1])
                            let s = SIMD8<Float>(repeating: sin[(r - 1) * h + k - 1])
                            ur += c * sr[k - 1]; ui += c * si[k - 1]
                            vr += s * dr[k - 1]; vi += s * di[k - 1]
                        }
                        // Forward: b_r = U − i·V = (ur + vi, ui − vr); b_{p−r} = U + i·V = (ur − vi, ui + vr).
                        var (br, bi) = tw.inverse ? (ur - vi, ui + vr) : (ur + vi, ui - vr)
                        var (cr, ci) = tw.inverse ? (ur + vi, ui - vr) : (ur - vi, ui + vr)
                        if j != 0 {
                            (br, bi) = tw.apply(br, bi, j: j, r: r)
                            (cr, ci) = tw.apply(cr, ci, j: j, r: p - r)
                        }
                        yr[o + r * stride] = br; yi[o + r * stride] = bi
                        yr[o + (p - r) * stride] = cr; yi[o + (p - r) * stride] = ci
                    }
                }
            }
        }
    }
}
