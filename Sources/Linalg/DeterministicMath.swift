/// The project's own elementary functions: `exp`, `log`, `log2`, `pow`, `sin`, `cos`, `asin`, `acos`
/// in `Double` and `Float`, written in Swift with fixed polynomials and no fused
/// multiply-add.
///
/// **Determinism contract (enforced here).** Every result-determining computation in
/// ManifoldBench that needs one of these functions calls `DeterministicMath`, never the C
/// library. glibc selects FMA/AVX2 variants of `exp`, `log`, `log2`, `pow`, `sin`, `cos`,
/// `expf`, `logf`, `powf`, … by CPU at load time (ifuncs), and other C libraries use other
/// algorithms, so the last bit of a libm result depends on the processor and the platform.
/// The functions below use only IEEE-754 additions, multiplications, divisions, square
/// roots and exact bit manipulations, each rounded to nearest, in a fixed order. Swift does
/// not contract `a * b + c` into a fused multiply-add, and the package is compiled for the
/// baseline target of each architecture, so these functions return the same bits on every
/// x86-64 CPU, and on any IEEE-754 platform Swift targets (arm64 included).
///
/// The algorithms are the classic ones of Sun's fdlibm (Cody–Waite argument reduction,
/// minimax polynomials), written anew:
///
/// | function | domain of the stated accuracy | error (against the exact value) |
/// | --- | --- | --- |
/// | `exp(Double)` | all finite x | < 1 ulp (not always correctly rounded: `exp(1)` is one ulp above e's nearest double, as fdlibm's and Java's `StrictMath.exp`) |
/// | `log(Double)`, `log2(Double)` | x > 0 (subnormals included) | < 1 ulp (`log2`: < 2 ulp) |
/// | `pow(Double, Double)` | x > 0, \|y · ln x\| ≤ 709 | < 1 ulp + \|y\| · 2⁻⁵ ulp (a double-double logarithm feeds `exp`); exact for powers of two, not always for other exact results (`pow(10, -5)` is one ulp low) |
/// | `sin`, `cos` (Double) | \|x\| ≤ 2²⁰ · π/2 ≈ 1.6e6 | < 1 ulp; beyond, still deterministic but the reduction loses accuracy |
/// | `asin`, `acos` (Double) | [−1, 1] | < 1 ulp |
/// | `Float` versions | as the `Double` ones | computed in `Double`, rounded once more: < 1 ulp |
///
/// The tests (`DeterministicMathTests`) check these bounds against the platform's libm on
/// random and special arguments, and pin known bit patterns. Special values follow C99
/// Annex F: NaN in, NaN out; `exp(-inf) = 0`, `exp(inf) = inf`, `log(0) = -inf`,
/// `log(x < 0) = NaN`, `pow(x, ±0) = 1`, `pow(1, y) = 1`, `pow(x < 0, non-integer) = NaN`,
/// `sin(±inf) = NaN`.
///
/// Speed: `exp` costs about as much as glibc's table-driven `exp` (one division instead of
/// a table look-up); the t-SNE affinity search, the heaviest user, was measured in the
/// issue 15 note.
public enum DeterministicMath {
    // MARK: exp

    @usableFromInline static let ln2Hi = 6.93147180369123816490e-01  // 0x3fe62e42fee00000: 32 significant bits
    @usableFromInline static let ln2Lo = 1.90821492927058770002e-10
    @usableFromInline static let invLn2 = 1.44269504088896338700e+00
    @usableFromInline static let overflowThreshold = 7.09782712893383973096e+02   // ln(DBL_MAX)
    @usableFromInline static let underflowThreshold = -7.45133219101941108420e+02 // ln(2^-1075)

    /// e^x. Error < 1 ulp; `exp(x) = inf` above ln(DBL_MAX), `0` below ln(2⁻¹⁰⁷⁵).
    @inlinable
    public static func exp(_ x: Double) -> Double {
        expCore(x, 0)
    }

    /// e^(hi + lo) for a double-double argument (|lo| ≤ ulp(hi)).
    @inlinable @inline(__always)
    static func expCore(_ hi0: Double, _ lo0: Double) -> Double {
        if !(hi0 == hi0) { return hi0 }                                 // NaN
        if hi0 > overflowThreshold { return .infinity }
        if hi0 < underflowThreshold { return 0 }
        // Reduce: x = k·ln2 + r, |r| ≤ ln2/2. k·ln2Hi is exact (|k| ≤ 1075 < 2^21).
        let kd = (hi0 * invLn2).rounded(.toNearestOrEven)
        let hi = hi0 - kd * ln2Hi
        let lo = kd * ln2Lo - lo0
        let r = hi - lo
        // Rational approximation of e^r on [-ln2/2, ln2/2] (Remez, error < 2^-59).
        let t = r * r
        let c = r - t * (1.66666666666666019037e-01 + t * (-2.77777777770155933842e-03 + t * (6.61375632143793436117e-05
            + t * (-1.65339022054652515390e-06 + t * 4.13813679705723846039e-08))))
        let y = 1 - ((lo - (r * c) / (2 - c)) - hi)
        return scale(y, Int(kd))
    }

    /// y · 2^k for y in [0.5, 2] and -1080 ≤ k ≤ 1025, with one rounding at most (in the subnormal range).
    @inlinable @inline(__always)
    static func scale(_ y: Double, _ k: Int) -> Double {
        if k >= -1021 && k <= 1023 {
            return y * Double(bitPattern: UInt64(k + 1023) << 52)
        }
        if k > 1023 { return y * Double(bitPattern: UInt64(1023 + 1023) << 52) * Double(bitPattern: UInt64(k - 1023 + 1023) << 52) }
        // Subnormal result: scale into the normal range first, then by 2^-1000 (one final rounding).
        return (y * Double(bitPattern: UInt64(k + 1000 + 1023) << 52)) * 0x1p-1000
    }

    // MARK: log

    @usableFromInline static let sqrt2 = 1.41421356237309514547e+00

    /// Splits finite x > 0 into x = 2^k · (1 + f) with 1 + f in (√2/2, √2].
    @inlinable @inline(__always)
    static func decompose(_ x: Double) -> (k: Int, f: Double) {
        var v = x
        var k = 0
        if v < 2.2250738585072014e-308 { v *= 0x1p54; k = -54 }        // subnormal
        let bits = v.bitPattern
        k += Int((bits >> 52) & 0x7ff) - 1023
        var m = Double(bitPattern: (bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000)  // [1, 2)
        if m > sqrt2 { m *= 0.5; k += 1 }
        return (k, m - 1)  // m − 1 is exact (Sterbenz)
    }

    /// The odd part R(s²) of log(1 + f) = f − f²/2 + s · (f²/2 + R), s = f / (2 + f).
    @inlinable @inline(__always)
    static func logTail(_ s: Double) -> Double {
        let z = s * s
        let w = z * z
        let t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01))
        let t2 = z * (6.666666666666735130e-01 + w * (2.857142874366239149e-01 + w * (1.818357216161805012e-01
            + w * 1.479819860511658591e-01)))
        return t1 + t2
    }

    /// Natural logarithm. Error < 1 ulp. `log(0) = -inf`, `log(x < 0) = NaN`, `log(inf) = inf`.
    @inlinable
    public static func log(_ x: Double) -> Double {
        if !(x > 0) { return x == 0 ? -.infinity : .nan }              // 0, negative, NaN
        if x == .infinity { return x }
        let (k, f) = decompose(x)
        let s = f / (2 + f)
        let r = logTail(s)
        let hfsq = 0.5 * f * f
        let dk = Double(k)
        return dk * ln2Hi - ((hfsq - (s * (hfsq + r) + dk * ln2Lo)) - f)
    }

    /// Base-2 logarithm, log(x) / ln 2 in double-double precision. Error < 2 ulp; exact for powers of two.
    @inlinable
    public static func log2(_ x: Double) -> Double {
        if !(x > 0) { return x == 0 ? -.infinity : .nan }
        if x == .infinity { return x }
        let (k, f) = decompose(x)
        if f == 0 { return Double(k) }
        let (hi, lo) = logOnePlus(f, k: 0)
        // (hi + lo) / ln 2 with 1/ln2 split in two parts.
        let invLn2Hi = 1.44269504072144627571e+00   // 0x3ff7154765200000
        let invLn2Lo = 1.67517131648865118353e-10
        let (ph, pl) = twoProduct(hi, invLn2Hi)
        let tail = pl + (lo * invLn2Hi + (hi + lo) * invLn2Lo)
        return Double(k) + (ph + tail)
    }

    /// log(1 + f) + k·ln 2 as a double-double (hi + lo), relative error about 2^-58.
    @inlinable @inline(__always)
    static func logOnePlus(_ f: Double, k: Int) -> (Double, Double) {
        let s = f / (2 + f)
        let r = logTail(s)
        let (sqHi, sqLo) = twoProduct(f, f)
        let hfsqHi = 0.5 * sqHi, hfsqLo = 0.5 * sqLo                  // exact halving
        let corr = s * (hfsqHi + r)
        let dk = Double(k)
        let (s1, e1) = twoSum(dk * ln2Hi, f)
        let (s2, e2) = twoSum(s1, -hfsqHi)
        let (s3, e3) = twoSum(s2, corr)
        let lo = ((e1 + e2) + e3) - hfsqLo + dk * ln2Lo
        return fastTwoSum(s3, lo)
    }

    // MARK: pow

    /// x^y following C99 Annex F for special values. For finite x > 0:
    /// exp(y · log x) with log x and the product in double-double precision;
    /// error < 1 ulp + |y| · 2⁻⁵ ulp while the result is normal.
    @inlinable
    public static func pow(_ x: Double, _ y: Double) -> Double {
        if y == 0 || x == 1 { return 1 }
        if x.isNaN || y.isNaN { return .nan }
        let yIsInteger = y.rounded(.towardZero) == y
        let yIsOdd = yIsInteger && abs(y) < 0x1p53 && Int64(y) & 1 == 1
        if y.isInfinite {
            let ax = abs(x)
            if ax == 1 { return 1 }
            return (ax > 1) == (y > 0) ? .infinity : 0
        }
        if x == 0 {
            if y < 0 { return yIsOdd ? 1 / x : .infinity }               // 1 / ±0 = ±inf
            return yIsOdd ? x : 0
        }
        if x.isInfinite {
            if x > 0 { return y > 0 ? .infinity : 0 }
            if y > 0 { return yIsOdd ? -.infinity : .infinity }
            return yIsOdd ? -0.0 : 0
        }
        if x < 0 {
            guard yIsInteger else { return .nan }
            let v = powPositive(-x, y)
            return yIsOdd ? -v : v
        }
        return powPositive(x, y)
    }

    @inlinable @inline(__always)
    static func powPositive(_ x: Double, _ y: Double) -> Double {
        let (k, f) = decompose(x)
        let (lh, ll) = logOnePlus(f, k: k)
        let rough = y * lh
        if !(abs(rough) < 1000) { return rough > 0 ? .infinity : 0 }   // certain overflow / underflow
        let (zh, ze) = twoProduct(y, lh)
        let (hi, lo) = fastTwoSum(zh, ze + y * ll)
        return expCore(hi, lo)
    }

    // MARK: sin, cos

    /// sin x. Error < 1 ulp for |x| ≤ 2²⁰·π/2; `sin(±inf) = NaN`.
    @inlinable
    public static func sin(_ x: Double) -> Double {
        if abs(x) < 0x1p-27 { return x }                                // sin x = x to within half an ulp; keeps −0
        if abs(x) <= 7.85398163397448278999e-01 { return kernelSin(x, 0, tailIsZero: true) }
        if !x.isFinite { return .nan }
        let (n, a, b) = reduceHalfPi(x)
        switch n {
        case 0: return kernelSin(a, b, tailIsZero: false)
        case 1: return kernelCos(a, b)
        case 2: return -kernelSin(a, b, tailIsZero: false)
        default: return -kernelCos(a, b)
        }
    }

    /// cos x. Error < 1 ulp for |x| ≤ 2²⁰·π/2; `cos(±inf) = NaN`.
    @inlinable
    public static func cos(_ x: Double) -> Double {
        if abs(x) < 0x1p-27 { return 1 }
        if abs(x) <= 7.85398163397448278999e-01 { return kernelCos(x, 0) }
        if !x.isFinite { return .nan }
        let (n, a, b) = reduceHalfPi(x)
        switch n {
        case 0: return kernelCos(a, b)
        case 1: return -kernelSin(a, b, tailIsZero: false)
        case 2: return -kernelCos(a, b)
        default: return kernelSin(a, b, tailIsZero: false)
        }
    }

    /// x = n·π/2 + (a + b) with |a + b| ≤ π/4 (about), returning n mod 4. Cody–Waite with π/2 in
    /// three 33-bit parts plus tails: exact products for |n| < 2^20, about 2^-100 relative accuracy.
    @inlinable
    static func reduceHalfPi(_ x: Double) -> (Int, Double, Double) {
        let invPio2 = 6.36619772367581382433e-01
        let pio2_1 = 1.57079632673412561417e+00, pio2_1t = 6.07710050650619224932e-11
        let pio2_2 = 6.07710050630396597660e-11, pio2_2t = 2.02226624879595063154e-21
        let pio2_3 = 2.02226624871116645580e-21, pio2_3t = 8.47842766036889956997e-32
        let t = abs(x)
        let fn = (t * invPio2).rounded(.toNearestOrAwayFromZero)
        var r = t - fn * pio2_1
        var w = fn * pio2_1t
        var y0 = r - w
        let j = Int((t.bitPattern >> 52) & 0x7ff)
        if j - Int((y0.bitPattern >> 52) & 0x7ff) > 16 {                // cancellation: second part
            var u = r
            w = fn * pio2_2
            r = u - w
            w = fn * pio2_2t - ((u - r) - w)
            y0 = r - w
            if j - Int((y0.bitPattern >> 52) & 0x7ff) > 49 {            // third part
                u = r
                w = fn * pio2_3
                r = u - w
                w = fn * pio2_3t - ((u - r) - w)
                y0 = r - w
            }
        }
        let y1 = (r - y0) - w
        let n = Int(fn.truncatingRemainder(dividingBy: 4))
        if x < 0 { return ((4 - n) & 3, -y0, -y1) }
        return (n & 3, y0, y1)
    }

    /// sin(a + b) for |a + b| ≤ π/4, b a tail below ulp(a)/2.
    @inlinable @inline(__always)
    static func kernelSin(_ x: Double, _ y: Double, tailIsZero: Bool) -> Double {
        let s1 = -1.66666666666666324348e-01
        let z = x * x
        let v = z * x
        let r = 8.33333333332248946124e-03 + z * (-1.98412698298579493134e-04 + z * (2.75573137070700676789e-06
            + z * (-2.50507602534068634195e-08 + z * 1.58969099521155010221e-10)))
        if tailIsZero { return x + v * (s1 + z * r) }
        return x - ((z * (0.5 * y - v * r) - y) - v * s1)
    }

    /// cos(a + b) for |a + b| ≤ π/4, b a tail below ulp(a)/2.
    @inlinable @inline(__always)
    static func kernelCos(_ x: Double, _ y: Double) -> Double {
        let z = x * x
        let w = z * z
        let r = z * (4.16666666666666019037e-02 + z * (-1.38888888888741095749e-03 + z * 2.48015872894767294178e-05))
            + w * w * (-2.75573143513906633035e-07 + z * (2.08757232129817482790e-09 + z * -1.13596475577881948265e-11))
        let hz = 0.5 * z
        let one = 1.0
        let ww = one - hz
        return ww + (((one - ww) - hz) + (z * r - x * y))
    }

    // MARK: asin, acos

    @usableFromInline static let pio2Hi = 1.57079632679489655800e+00
    @usableFromInline static let pio2Lo = 6.12323399573676603587e-17

    /// (asin(√t·…) − x)/x's rational part: R(t) = p(t)/q(t) on [0, 0.25] (fdlibm's minimax fit).
    @inlinable @inline(__always)
    static func asinRational(_ t: Double) -> Double {
        let p = t * (1.66666666666666657415e-01 + t * (-3.25565818622400915405e-01 + t * (2.01212532134862925881e-01
            + t * (-4.00555345006794114027e-02 + t * (7.91534994289814532176e-04 + t * 3.47933107596021167570e-05)))))
        let q = 1 + t * (-2.40339491173441421878e+00 + t * (2.02094576023350569471e+00 + t * (-6.88283971605453293030e-01
            + t * 7.70381505559019352791e-02)))
        return p / q
    }

    /// `s` with its low 32 bits cleared (an exactly squarable head).
    @inlinable @inline(__always)
    static func head(_ s: Double) -> Double { Double(bitPattern: s.bitPattern & 0xffff_ffff_0000_0000) }

    /// arcsin x in [−π/2, π/2]. Error < 1 ulp; NaN outside [−1, 1].
    @inlinable
    public static func asin(_ x: Double) -> Double {
        let ax = abs(x)
        if !(ax < 1) {
            if ax == 1 { return x * pio2Hi + x * pio2Lo }
            return .nan
        }
        if ax < 0.5 {
            if ax < 0x1p-27 { return x }
            return x + x * asinRational(x * x)
        }
        let t = (1 - ax) * 0.5
        let r = asinRational(t)
        let s = t.squareRoot()
        let result: Double
        if ax >= 0.975 {
            result = pio2Hi - (2 * (s + s * r) - pio2Lo)
        } else {
            let w = head(s)
            let c = (t - w * w) / (s + w)
            let p = 2 * s * r - (pio2Lo - 2 * c)
            let q = 7.85398163397448278999e-01 - 2 * w
            result = 7.85398163397448278999e-01 - (p - q)
        }
        return x < 0 ? -result : result
    }

    /// arccos x in [0, π]. Error < 1 ulp; NaN outside [−1, 1].
    @inlinable
    public static func acos(_ x: Double) -> Double {
        let ax = abs(x)
        if !(ax < 1) {
            if x == 1 { return 0 }
            if x == -1 { return 3.14159265358979311600e+00 + 2 * pio2Lo }
            return .nan
        }
        if ax < 0.5 {
            if ax <= 0x1p-57 { return pio2Hi + pio2Lo }
            return pio2Hi - (x - (pio2Lo - x * asinRational(x * x)))
        }
        if x < 0 {
            let z = (1 + x) * 0.5
            let s = z.squareRoot()
            let w = asinRational(z) * s - pio2Lo
            return 3.14159265358979311600e+00 - 2 * (s + w)
        }
        let z = (1 - x) * 0.5
        let s = z.squareRoot()
        let df = head(s)
        let c = (z - df * df) / (s + df)
        let w = asinRational(z) * s + c
        return 2 * (df + w)
    }

    // MARK: Float

    /// e^x in single precision, computed in `Double` and rounded. Error < 1 ulp.
    @inlinable public static func exp(_ x: Float) -> Float { Float(exp(Double(x))) }
    /// Natural logarithm in single precision (computed in `Double`). Error < 1 ulp.
    @inlinable public static func log(_ x: Float) -> Float { Float(log(Double(x))) }
    /// Base-2 logarithm in single precision (computed in `Double`). Error < 1 ulp.
    @inlinable public static func log2(_ x: Float) -> Float { Float(log2(Double(x))) }
    /// x^y in single precision (computed in `Double`; C99 special values). Error < 1 ulp.
    @inlinable public static func pow(_ x: Float, _ y: Float) -> Float { Float(pow(Double(x), Double(y))) }
    /// sin x in single precision (computed in `Double`).
    @inlinable public static func sin(_ x: Float) -> Float { Float(sin(Double(x))) }
    /// cos x in single precision (computed in `Double`).
    @inlinable public static func cos(_ x: Float) -> Float { Float(cos(Double(x))) }

    // MARK: Error-free transformations (no FMA)

    /// a + b = s + e exactly (Knuth's TwoSum).
    @inlinable @inline(__always)
    static func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
        let s = a + b
        let bb = s - a
        let e = (a - (s - bb)) + (b - bb)
        return (s, e)
    }

    /// a + b = s + e exactly when |a| ≥ |b| (Dekker's FastTwoSum).
    @inlinable @inline(__always)
    static func fastTwoSum(_ a: Double, _ b: Double) -> (Double, Double) {
        let s = a + b
        return (s, b - (s - a))
    }

    /// a · b = p + e exactly (Dekker's product with Veltkamp splitting; |a|, |b| < 2^995).
    @inlinable @inline(__always)
    static func twoProduct(_ a: Double, _ b: Double) -> (Double, Double) {
        let p = a * b
        let (ah, al) = split(a)
        let (bh, bl) = split(b)
        let e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
        return (p, e)
    }

    @inlinable @inline(__always)
    static func split(_ a: Double) -> (Double, Double) {
        let c = 134_217_729.0 * a  // 2^27 + 1
        let hi = c - (c - a)
        return (hi, a - hi)
    }
}
