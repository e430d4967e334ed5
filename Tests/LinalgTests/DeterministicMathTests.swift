import XCTest
@testable import Linalg
#if canImport(Glibc)
import Glibc
#endif

/// Accuracy of `DeterministicMath` against the platform libm (glibc: < 0.52 ulp for these
/// functions), special values, and the bounds stated in its documentation.
final class DeterministicMathTests: XCTestCase {
    typealias M = DeterministicMath
    typealias D = Double

    /// Distance in units in the last place between two finite doubles of the same sign.
    func ulps(_ a: Double, _ b: Double) -> UInt64 {
        if a == b { return 0 }
        if a.isNaN || b.isNaN || a.sign != b.sign { return .max }
        let x = a.bitPattern, y = b.bitPattern
        return x > y ? x - y : y - x
    }

    func ulps(_ a: Float, _ b: Float) -> UInt32 {
        if a == b { return 0 }
        if a.isNaN || b.isNaN || a.sign != b.sign { return .max }
        let x = a.bitPattern, y = b.bitPattern
        return x > y ? x - y : y - x
    }

    /// Checks `ours` against `reference` on `count` arguments from `draw`, within `bound` ulps.
    func check(_ name: String, count: Int = 200_000, bound: UInt64, seed: UInt64,
               draw: (inout RandomStream) -> Double, ours: (Double) -> Double, reference: (Double) -> Double) {
        var rng = RandomStream(seed: seed)
        var worst: UInt64 = 0, worstX = 0.0
        for _ in 0..<count {
            let x = draw(&rng)
            let d = ulps(ours(x), reference(x))
            if d > worst { worst = d; worstX = x }
        }
        XCTAssertLessThanOrEqual(worst, bound, "\(name): \(worst) ulp at x = \(worstX) (ours \(ours(worstX)), libm \(reference(worstX)))")
    }

    func testExpWithinOneUlpOfLibm() {
        check("exp", bound: 1, seed: 1, draw: { ($0.nextDouble() - 0.5) * 1400 }, ours: M.exp, reference: Glibc.exp)
        check("exp small", bound: 1, seed: 2, draw: { ($0.nextDouble() - 0.5) * 4 }, ours: M.exp, reference: Glibc.exp)
        // Results in the subnormal range are rounded twice, still within one ulp.
        check("exp subnormal", count: 20_000, bound: 1, seed: 3, draw: { -708 - $0.nextDouble() * 37 },
              ours: M.exp, reference: Glibc.exp)
    }

    func testLogWithinOneUlpOfLibm() {
        // Random bit patterns: every exponent, subnormals included.
        check("log", bound: 1, seed: 4, draw: { Double(bitPattern: $0.next() & 0x7fef_ffff_ffff_ffff) },
              ours: M.log, reference: Glibc.log)
        check("log near 1", bound: 1, seed: 5, draw: { 0.5 + $0.nextDouble() * 1.5 }, ours: M.log, reference: Glibc.log)
        check("log2", bound: 2, seed: 6, draw: { Double(bitPattern: $0.next() & 0x7fef_ffff_ffff_ffff) },
              ours: M.log2, reference: Glibc.log2)
        check("log2 near 1", bound: 2, seed: 7, draw: { 0.5 + $0.nextDouble() * 1.5 }, ours: M.log2, reference: Glibc.log2)
    }

    func testPowWithinStatedBound() {
        // Bound: 1 ulp + |y|/32 ulp against the exact value, so ≤ 2 ulp from glibc for |y| ≤ 16.
        var rng = RandomStream(seed: 8)
        var worst: UInt64 = 0
        var worstArgs = (0.0, 0.0)
        for _ in 0..<200_000 {
            let x = M.exp((rng.nextDouble() - 0.5) * 14)     // 1e-3 … 1e3
            let y = (rng.nextDouble() - 0.5) * 32
            let d = ulps(M.pow(x, y), Glibc.pow(x, y))
            if d > worst { worst = d; worstArgs = (x, y) }
        }
        XCTAssertLessThanOrEqual(worst, 2, "pow\(worstArgs): \(worst) ulp")
        // UMAP's exponents (b ≈ 0.5 … 2) on squared distances.
        check("pow b", bound: 1, seed: 9, draw: { $0.nextDouble() * 100 }, ours: { M.pow($0, 0.8950608781227859) },
              reference: { Glibc.pow($0, 0.8950608781227859) })
    }

    func testPowOfExactResultsIsExact() {
        // Other exact results are within the stated bound, not always exact (10^-5 is one ulp low).
        for e in -22...22 { XCTAssertLessThanOrEqual(ulps(M.pow(10, Double(e)), Glibc.pow(10, Double(e))), 1, "10^\(e)") }
        for e in -1074...1023 { XCTAssertEqual(M.pow(2, Double(e)), Double(sign: .plus, exponent: e, significand: 1), "2^\(e)") }
        XCTAssertEqual(M.pow(D(3), D(4)), 81)
        XCTAssertEqual(M.pow(D(-3), D(3)), -27)
        XCTAssertEqual(M.pow(D(0.25), D(0.5)), 0.5)
    }

    func testSinCosWithinOneUlpOfLibm() {
        check("sin", bound: 1, seed: 10, draw: { ($0.nextDouble() - 0.5) * 20 }, ours: M.sin, reference: Glibc.sin)
        check("cos", bound: 1, seed: 11, draw: { ($0.nextDouble() - 0.5) * 20 }, ours: M.cos, reference: Glibc.cos)
        check("sin wide", bound: 1, seed: 12, draw: { ($0.nextDouble() - 0.5) * 2e6 }, ours: M.sin, reference: Glibc.sin)
        check("cos wide", bound: 1, seed: 13, draw: { ($0.nextDouble() - 0.5) * 2e6 }, ours: M.cos, reference: Glibc.cos)
        // Box–Muller's argument 2πu.
        check("cos 2πu", bound: 1, seed: 14, draw: { 2 * Double.pi * $0.nextDouble() }, ours: M.cos, reference: Glibc.cos)
        // Near multiples of π/2, where reduction cancels most bits.
        for k in 1...2000 {
            let x = Double(k) * Double.pi / 2
            XCTAssertLessThanOrEqual(ulps(M.sin(x), Glibc.sin(x)), 1, "sin(\(k)π/2)")
            XCTAssertLessThanOrEqual(ulps(M.cos(x), Glibc.cos(x)), 1, "cos(\(k)π/2)")
        }
    }

    func testAsinAcosWithinOneUlpOfLibm() {
        check("asin", bound: 1, seed: 17, draw: { $0.nextDouble() * 2 - 1 }, ours: M.asin, reference: Glibc.asin)
        check("acos", bound: 1, seed: 18, draw: { $0.nextDouble() * 2 - 1 }, ours: M.acos, reference: Glibc.acos)
        check("asin near 1", count: 50_000, bound: 1, seed: 19, draw: { 1 - $0.nextDouble() * 1e-3 }, ours: M.asin, reference: Glibc.asin)
        check("acos near -1", count: 50_000, bound: 1, seed: 20, draw: { -1 + $0.nextDouble() * 1e-3 }, ours: M.acos, reference: Glibc.acos)
        XCTAssertEqual(M.asin(D(0)), 0)
        XCTAssertEqual(M.asin(D(-0.0)).sign, .minus)
        XCTAssertEqual(M.asin(D(1)), Double.pi / 2)
        XCTAssertEqual(M.acos(D(1)), 0)
        XCTAssertEqual(M.acos(D(-1)), Double.pi)
        XCTAssertEqual(M.acos(D(0)), Double.pi / 2)
        XCTAssertTrue(M.asin(D(1.5)).isNaN)
        XCTAssertTrue(M.acos(D(-1.5)).isNaN)
        XCTAssertTrue(M.asin(D.nan).isNaN)
        XCTAssertEqual(M.asin(D(1e-300)), 1e-300)
    }

    func testFloatVersionsWithinOneUlpOfLibm() {
        var rng = RandomStream(seed: 15)
        var worst: [String: UInt32] = [:]
        for _ in 0..<100_000 {
            let x = Float((rng.nextDouble() - 0.5) * 160)
            let p = Float(rng.nextDouble() * 50), y = Float((rng.nextDouble() - 0.5) * 8)
            let pairs: [(String, Float, Float)] = [
                ("expf", M.exp(x), Glibc.expf(x)),
                ("logf", M.log(abs(x)), Glibc.logf(abs(x))),
                ("log2f", M.log2(abs(x)), Glibc.log2f(abs(x))),
                ("powf", M.pow(p, y), Glibc.powf(p, y)),
                ("sinf", M.sin(x), Glibc.sinf(x)),
                ("cosf", M.cos(x), Glibc.cosf(x)),
            ]
            for (name, a, b) in pairs { worst[name] = max(worst[name] ?? 0, ulps(a, b)) }
        }
        for (name, w) in worst { XCTAssertLessThanOrEqual(w, 1, name) }
    }

    /// Correctly rounded at these points, or (exp(1), pow(2, 0.5)) exactly one ulp away, as fdlibm.
    func testKnownPoints() {
        XCTAssertEqual(ulps(M.exp(D(1)), 2.718281828459045), 1)
        XCTAssertEqual(ulps(M.pow(D(2), D(0.5)), 1.4142135623730951), 1)
        XCTAssertEqual(M.log(D(10)), 2.302585092994046)
        XCTAssertEqual(M.log(D(2)), 0.6931471805599453)
        XCTAssertEqual(M.log2(D(10)), 3.321928094887362)
        XCTAssertEqual(M.sin(D(1)), 0.8414709848078965)
        XCTAssertEqual(M.cos(D(1)), 0.5403023058681398)
    }

    func testSpecialValues() {
        let inf = Double.infinity, nan = Double.nan
        let tiny = Double.leastNonzeroMagnitude, subnormal = 0x1p-1030
        // exp
        XCTAssertEqual(M.exp(D(0)), 1)
        XCTAssertEqual(M.exp(D(-0.0)), 1)
        XCTAssertEqual(M.exp(D(inf)), inf)
        XCTAssertEqual(M.exp(D(-inf)), 0)
        XCTAssertTrue(M.exp(D(nan)).isNaN)
        XCTAssertEqual(M.exp(D(710)), inf)
        XCTAssertEqual(M.exp(D(-746)), 0)
        XCTAssertEqual(M.exp(D(tiny)), 1)
        XCTAssertEqual(M.exp(D(-745)), Glibc.exp(-745))     // the smallest subnormal
        XCTAssertEqual(M.exp(D(709.78)), Glibc.exp(709.78))
        // log
        XCTAssertEqual(M.log(D(1)), 0)
        XCTAssertEqual(M.log(D(0)), -inf)
        XCTAssertEqual(M.log(D(-0.0)), -inf)
        XCTAssertTrue(M.log(D(-1)).isNaN)
        XCTAssertTrue(M.log(D(-inf)).isNaN)
        XCTAssertTrue(M.log(D(nan)).isNaN)
        XCTAssertEqual(M.log(D(inf)), inf)
        XCTAssertLessThanOrEqual(ulps(M.log(D(tiny)), Glibc.log(tiny)), 1)
        XCTAssertLessThanOrEqual(ulps(M.log(D(subnormal)), Glibc.log(subnormal)), 1)
        XCTAssertLessThanOrEqual(ulps(M.log(D.greatestFiniteMagnitude), Glibc.log(D.greatestFiniteMagnitude)), 1)
        XCTAssertEqual(M.log2(D(8)), 3)
        XCTAssertEqual(M.log2(D(tiny)), -1074)
        XCTAssertEqual(M.log2(D(0)), -inf)
        XCTAssertTrue(M.log2(D(-2)).isNaN)
        // pow (C99 Annex F)
        XCTAssertEqual(M.pow(D(nan), D(0)), 1)
        XCTAssertEqual(M.pow(D(1), D(nan)), 1)
        XCTAssertTrue(M.pow(D(nan), D(1)).isNaN)
        XCTAssertTrue(M.pow(D(2), D(nan)).isNaN)
        XCTAssertTrue(M.pow(D(-2), D(0.5)).isNaN)
        XCTAssertEqual(M.pow(D(-2), D(2)), 4)
        XCTAssertEqual(M.pow(D(-2), D(-1)), -0.5)
        XCTAssertEqual(M.pow(D(0), D(-1)), inf)
        XCTAssertEqual(M.pow(D(-0.0), D(-1)), -inf)
        XCTAssertEqual(M.pow(D(-0.0), D(-2)), inf)
        XCTAssertEqual(M.pow(D(0), D(2)), 0)
        XCTAssertEqual(M.pow(D(-0.0), D(3)).sign, .minus)
        XCTAssertEqual(M.pow(D(-1), D(inf)), 1)
        XCTAssertEqual(M.pow(D(0.5), D(inf)), 0)
        XCTAssertEqual(M.pow(D(0.5), D(-inf)), inf)
        XCTAssertEqual(M.pow(D(2), D(inf)), inf)
        XCTAssertEqual(M.pow(D(2), D(-inf)), 0)
        XCTAssertEqual(M.pow(D(inf), D(-1)), 0)
        XCTAssertEqual(M.pow(D(inf), D(0.5)), inf)
        XCTAssertEqual(M.pow(D(-inf), D(3)), -inf)
        XCTAssertEqual(M.pow(D(-inf), D(2)), inf)
        XCTAssertEqual(M.pow(D(-inf), D(-3)).sign, .minus)
        XCTAssertEqual(M.pow(D(10), D(400)), inf)
        XCTAssertEqual(M.pow(D(10), D(-400)), 0)
        XCTAssertLessThanOrEqual(ulps(M.pow(D(subnormal), D(0.5)), Glibc.pow(subnormal, 0.5)), 1)
        // sin, cos
        XCTAssertEqual(M.sin(D(0)), 0)
        XCTAssertEqual(M.sin(D(-0.0)).sign, .minus)
        XCTAssertEqual(M.cos(D(0)), 1)
        XCTAssertEqual(M.sin(D(1e-300)), 1e-300)
        XCTAssertEqual(M.sin(D(subnormal)), subnormal)
        XCTAssertEqual(M.cos(D(subnormal)), 1)
        XCTAssertTrue(M.sin(D(inf)).isNaN)
        XCTAssertTrue(M.cos(D(-inf)).isNaN)
        XCTAssertTrue(M.sin(D(nan)).isNaN)
        XCTAssertEqual(M.sin(D(-2.5)), -M.sin(D(2.5)))
        XCTAssertEqual(M.cos(D(-2.5)), M.cos(D(2.5)))
        // Float
        XCTAssertEqual(M.exp(Float(0)), 1)
        XCTAssertEqual(M.exp(-Float.infinity), 0)
        XCTAssertEqual(M.exp(Float(89)), .infinity)
        XCTAssertEqual(M.log(Float(0)), -.infinity)
        XCTAssertTrue(M.log(Float(-1)).isNaN)
        XCTAssertEqual(M.log(Float.leastNonzeroMagnitude), Glibc.logf(.leastNonzeroMagnitude))
        XCTAssertEqual(M.pow(Float(2), 10), 1024)
        XCTAssertTrue(M.pow(Float(-2), 0.5).isNaN)
    }

    /// The double-double helpers are exact: they are what makes `pow` and `log2` accurate.
    /// Arguments are chosen so that the exact result fits Float80's 64-bit significand.
    func testErrorFreeTransformations() {
        var rng = RandomStream(seed: 16)
        for _ in 0..<10_000 {
            let a = Double(rng.next() >> 11), b = Double(rng.next() >> 11) * 0x1p-8  // exact sum spans 62 bits
            let (s, e) = M.twoSum(a, -b)
            XCTAssertEqual(s, a - b)
            XCTAssertEqual(Float80(s) + Float80(e), Float80(a) - Float80(b))
            let c = Double(rng.next() >> 32) * 0x1p-20, d = Double(rng.next() >> 32)  // 32-bit significands
            let (p, q) = M.twoProduct(c, -d)
            XCTAssertEqual(p, c * -d)
            XCTAssertEqual(Float80(p) + Float80(q), Float80(c) * -Float80(d))
        }
    }
}
