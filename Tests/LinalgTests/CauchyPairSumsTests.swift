import XCTest
@testable import Linalg

final class CauchyPairSumsTests: XCTestCase {
    private func points(_ n: Int, spread: Double, seed: UInt64) -> [Double] {
        var rng = RandomStream(seed: seed, purpose: "cauchy-test")
        return (0 ..< n * 2).map { _ in spread * rng.nextGaussian() }
    }

    /// The sums against a double-precision evaluation of the definition, for sizes that are and are
    /// not multiples of the 8 lanes (the padding must contribute nothing).
    func testMatchesTheDefinitionInDouble() {
        for (n, symmetric) in [1, 2, 7, 8, 9, 100, 333, 700].flatMap({ n in [(n, true), (n, false)] }) {
            let p = points(n, spread: 5, seed: UInt64(n))
            let (forces, sums) = CauchyPairSums.compute(points: p, count: n, allowSymmetry: symmetric)
            for i in 0..<n {
                var z = 0.0, f0 = 0.0, f1 = 0.0
                for j in 0..<n where j != i {
                    let dx = Double(Float(p[i * 2])) - Double(Float(p[j * 2]))
                    let dy = Double(Float(p[i * 2 + 1])) - Double(Float(p[j * 2 + 1]))
                    let q = 1 / (1 + dx * dx + dy * dy)
                    z += q
                    f0 += q * q * dx
                    f1 += q * q * dy
                }
                XCTAssertEqual(sums[i], z, accuracy: 1e-6 * max(1, z), "n \(n) i \(i)")
                let scale = max(1e-3, abs(f0) + abs(f1))
                XCTAssertEqual(forces[i * 2], f0, accuracy: 1e-5 * scale, "n \(n) i \(i)")
                XCTAssertEqual(forces[i * 2 + 1], f1, accuracy: 1e-5 * scale, "n \(n) i \(i)")
            }
        }
    }

    /// Two coincident points: q = 1 between them, no force; one point alone: nothing at all.
    func testAnalyticCases() {
        let (f2, s2) = CauchyPairSums.compute(points: [3, 4, 3, 4], count: 2)
        XCTAssertEqual(s2, [1, 1])
        XCTAssertEqual(f2, [0, 0, 0, 0])
        // Points at distance 1: q = 1/2, force magnitude q² · 1 = 1/4 pushing apart.
        let (f, s) = CauchyPairSums.compute(points: [0, 0, 1, 0], count: 2)
        XCTAssertEqual(s, [0.5, 0.5])
        XCTAssertEqual(f, [-0.25, 0, 0.25, 0])
        let (f1, s1) = CauchyPairSums.compute(points: [1, 2], count: 1)
        XCTAssertEqual(s1, [0])
        XCTAssertEqual(f1, [0, 0])
    }

    /// The same bits from every instruction-set variant and for any thread count (1 001 points:
    /// four blocks of 256, the last one partial, so ten tiles of both kinds).
    func testSameBitsOnEveryVariantAndThreadCount() {
        let n = 1001
        let p = points(n, spread: 20, seed: 3)
        let reference = Parallel.withThreadCount(1) { () -> ([Double], [Double]) in
            BLAS.forceKernelInstructionSet("sse2")
            return CauchyPairSums.compute(points: p, count: n)
        }
        defer { BLAS.forceKernelInstructionSet(nil) }
        for isa in ["sse2", "avx2", "avx512"] {
            let used = BLAS.forceKernelInstructionSet(isa)
            for threads in [1, 2, 3] {
                let r = Parallel.withThreadCount(threads) { CauchyPairSums.compute(points: p, count: n) }
                XCTAssertEqual(r.0.map(\.bitPattern), reference.0.map(\.bitPattern), "\(used), \(threads) threads")
                XCTAssertEqual(r.1.map(\.bitPattern), reference.1.map(\.bitPattern), "\(used), \(threads) threads")
            }
        }
    }
}
