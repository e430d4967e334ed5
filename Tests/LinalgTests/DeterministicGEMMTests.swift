import XCTest
@testable import Linalg

/// The SGEMM kernels return exactly the contract's scalar sum, in every instruction-set variant:
/// the in-process form of "same bits on every x86-64 CPU".
final class DeterministicGEMMTests: XCTestCase {
    override func tearDown() { BLAS.forceKernelInstructionSet(nil) }

    /// The contract, written out: c = alpha · Σ_p a(i,p)·b(p,j) summed in p order (+ beta · c).
    func reference(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: [Float], lda: Int,
                   b: [Float], ldb: Int, beta: Float, c: [Float], ldc: Int) -> [Float] {
        var out = c
        for i in 0..<m {
            for j in 0..<n {
                var acc: Float = 0
                for p in 0..<k {
                    let av = transA ? a[p * lda + i] : a[i * lda + p]
                    let bv = transB ? b[j * ldb + p] : b[p * ldb + j]
                    let prod = av * bv
                    acc = acc + prod
                }
                out[i * ldc + j] = beta == 0 ? alpha * acc : alpha * acc + beta * c[i * ldc + j]
            }
        }
        return out
    }

    func randomValues(_ count: Int, _ rng: inout RandomStream) -> [Float] {
        (0..<count).map { _ in Float(rng.nextGaussian()) * (rng.nextDouble() < 0.1 ? 1e3 : 1) }
    }

    func testEveryVariantMatchesTheContractBitForBit() throws {
        var rng = RandomStream(seed: 21)
        let shapes = [(1, 1, 1), (3, 5, 7), (16, 16, 16), (17, 33, 64), (13, 129, 100), (130, 20, 785), (7, 7, 0)]
        let variants = ["sse2", "avx2", "avx512"].filter { BLAS.forceKernelInstructionSet($0) == $0 }
        XCTAssertTrue(variants.contains("sse2"))
        for (m, n, k) in shapes {
            for transA in [false, true] {
                for transB in [false, true] {
                    for (alpha, beta) in [(Float(1), Float(0)), (-2, 0), (0.5, 1.5)] {
                        let lda = transA ? m + 1 : k + 2, ldb = transB ? k + 3 : n + 1, ldc = n + 2
                        let a = randomValues((transA ? k : m) * lda + 1, &rng)
                        let b = randomValues((transB ? n : k) * ldb + 1, &rng)
                        let c0 = randomValues(m * ldc, &rng)
                        let expected = reference(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                                                 b: b, ldb: ldb, beta: beta, c: c0, ldc: ldc)
                        for variant in variants {
                            BLAS.forceKernelInstructionSet(variant)
                            var c = try Matrix(rows: m, cols: ldc, storage: c0)
                            c.storage.withUnsafeMutableBufferPointer { pc in
                                mbSgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, pc.baseAddress!, ldc)
                            }
                            XCTAssertEqual(c.storage.map(\.bitPattern), expected.map(\.bitPattern),
                                           "\(variant) m=\(m) n=\(n) k=\(k) tA=\(transA) tB=\(transB) alpha=\(alpha) beta=\(beta)")
                        }
                    }
                }
            }
        }
    }

    func mbSgemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float, _ a: [Float], _ lda: Int,
                 _ b: [Float], _ ldb: Int, _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                if !transA {
                    BLAS.sgemm(m: m, n: n, k: k, alpha: alpha, a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb,
                               transposeB: transB, beta: beta, c: c, ldc: ldc)
                } else {
                    BLAS.rawSgemm(transposeA: true, transposeB: transB, m: m, n: n, k: k, alpha: alpha, a: pa.baseAddress!,
                                  lda: lda, b: pb.baseAddress!, ldb: ldb, beta: beta, c: c, ldc: ldc)
                }
            }
        }
    }

    func testGramIsTheContractSumAndSymmetricInEveryVariant() {
        var rng = RandomStream(seed: 22)
        for (n, d) in [(1, 1), (50, 17), (300, 40), (1000, 70)] {
            let a = randomValues(n * d, &rng)
            let expected = reference(transA: true, transB: false, m: d, n: d, k: n, alpha: 1, a: a, lda: d, b: a, ldb: d,
                                     beta: 0, c: [Float](repeating: 0, count: d * d), ldc: d)
            for variant in ["sse2", "avx2", "avx512"] where BLAS.forceKernelInstructionSet(variant) == variant {
                var g = [Float](repeating: .nan, count: d * d)
                a.withUnsafeBufferPointer { pa in g.withUnsafeMutableBufferPointer { pg in
                    BLAS.gram(pa.baseAddress!, rows: n, cols: d, into: pg.baseAddress!) } }
                for i in 0..<d {
                    for j in 0..<d {
                        let e = expected[min(i, j) * d + max(i, j)]
                        XCTAssertEqual(g[i * d + j].bitPattern, e.bitPattern, "\(variant) n=\(n) d=\(d) (\(i), \(j))")
                    }
                }
            }
        }
    }

    func testBetaZeroDoesNotReadC() throws {
        let a = try Matrix(rowArrays: [[1, 2], [3, 4]])
        var c = try Matrix(rows: 2, cols: 2, storage: [.nan, .nan, .infinity, .nan])
        try BLAS.gemm(a, a, into: &c)
        XCTAssertEqual(c.storage, [7, 10, 15, 22])
    }
}
