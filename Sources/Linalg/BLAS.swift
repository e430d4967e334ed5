import CBLAS
import CKernels

/// Dense linear algebra the algorithms need.
///
/// Single-precision products (`gemm`, `multiply`, `sgemm`, `gram`) run on the project's own
/// kernel (`CKernels/gemm.c`): every element of C is summed over k in index order, product then
/// sum each rounded, no fused multiply-add; SIMD lanes hold different elements of C. The SSE2,
/// AVX2 and AVX-512 variants, chosen by CPU for speed only, therefore return the same bits on
/// every x86-64 CPU (the determinism contract of `NumericEnvironment`). The double-precision
/// `dgemv` and the LAPACK routines run on OpenBLAS, which `NumericEnvironment` pins to one core
/// type. OpenBLAS is also pinned to one thread: the project parallelises itself with fixed chunks
/// (see `Parallel`), which keeps results independent of the thread count.
public enum BLAS {
    private static let configured: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    /// Makes sure OpenBLAS runs single-threaded; every wrapper calls this first.
    @inlinable
    public static func ensureConfigured() { _ = configuredFlag }
    @usableFromInline static var configuredFlag: Bool { configured }

    /// C ← alpha · op(A) · op(B) + beta · C for row-major `Float` matrices.
    /// op(X) is X or Xᵀ. Shapes: op(A) m × k, op(B) k × n, C m × n.
    public static func gemm(_ a: Matrix, transposeA: Bool = false,
                            _ b: Matrix, transposeB: Bool = false,
                            alpha: Float = 1, beta: Float = 0, into c: inout Matrix) throws {
        ensureConfigured()
        let m = transposeA ? a.cols : a.rows
        let k = transposeA ? a.rows : a.cols
        let kb = transposeB ? b.cols : b.rows
        let n = transposeB ? b.rows : b.cols
        guard k == kb, c.rows == m, c.cols == n else {
            throw LinalgError.shapeMismatch("gemm: op(A) is \(m)×\(k), op(B) is \(kb)×\(n), C is \(c.rows)×\(c.cols)")
        }
        if m == 0 || n == 0 { return }
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    mb_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, 0, m, n, k, alpha,
                             pa.baseAddress, max(a.cols, 1), pb.baseAddress, max(b.cols, 1),
                             beta, pc.baseAddress, max(n, 1))
                }
            }
        }
    }

    /// Returns op(A) · op(B).
    public static func multiply(_ a: Matrix, transposeA: Bool = false,
                                _ b: Matrix, transposeB: Bool = false) throws -> Matrix {
        var c = Matrix(rows: transposeA ? a.cols : a.rows, cols: transposeB ? b.rows : b.cols)
        try gemm(a, transposeA: transposeA, b, transposeB: transposeB, into: &c)
        return c
    }

    /// Raw single-precision GEMM on row-major buffers (for tiled kernels):
    /// C[m×n] ← alpha · A[m×k] · op(B) + beta · C, with op(B) = Bᵀ when `transposeB`
    /// (B stored n × k) or B (stored k × n). Leading dimensions are the row strides.
    /// Bit-identical on every x86-64 CPU (see the type's documentation).
    @inlinable
    public static func sgemm(m: Int, n: Int, k: Int, alpha: Float = 1,
                             a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        mb_sgemm(0, transposeB ? 1 : 0, 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    /// The general form of `sgemm`, with op(A) = Aᵀ (A stored k × m) when `transposeA`.
    @inlinable
    public static func rawSgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                                a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        mb_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    /// The instruction set the deterministic kernels use on this CPU ("sse2", "avx2", "avx512");
    /// it changes their speed, never their results.
    public static var kernelInstructionSet: String {
        switch mb_kernel_isa() {
        case 2: return "avx512"
        case 1: return "avx2"
        default: return "sse2"
        }
    }

    /// Forces the kernels' instruction set (for tests): "sse2", "avx2", "avx512", or nil for the
    /// CPU's best. A set the CPU lacks is lowered to the best it has. Returns the set now in use.
    @discardableResult
    public static func forceKernelInstructionSet(_ name: String?) -> String {
        let level: Int32 = name == "avx512" ? 2 : name == "avx2" ? 1 : name == "sse2" ? 0 : -1
        _ = mb_kernel_set_isa(level)
        return kernelInstructionSet
    }

    /// Raw double-precision matrix–vector product on a row-major buffer:
    /// y ← alpha · op(A) · x + beta · y with A stored m × n (row stride `lda`),
    /// op(A) = Aᵀ when `transpose` (then x has m entries and y n), else A.
    @inlinable
    public static func dgemv(m: Int, n: Int, alpha: Double = 1, a: UnsafePointer<Double>, lda: Int,
                             transpose: Bool, x: UnsafePointer<Double>, beta: Double = 0,
                             y: UnsafeMutablePointer<Double>) {
        ensureConfigured()
        cblas_dgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(lda),
                    x, 1, beta, y, 1)
    }

    /// C = op(A) · op(B) for row-major `Double` arrays with stored shapes ar × ac and br × bc
    /// (op = transpose when `ta` / `tb`); `c` must hold the m × n result.
    public static func dgemm(_ a: [Double], _ ar: Int, _ ac: Int, _ ta: Bool,
                             _ b: [Double], _ br: Int, _ bc: Int, _ tb: Bool, _ c: inout [Double]) {
        ensureConfigured()
        let m = ta ? ac : ar, k = ta ? ar : ac, n = tb ? br : bc
        cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(ac), b, Int32(bc), 0, &c, Int32(n))
    }

    /// Replaces the columns of the row-major rows × cols `Double` matrix by an orthonormal
    /// basis of their span (QR: LAPACK `dgeqrf` then `dorgqr`).
    /// - Throws: `LinalgError.lapackFailure`.
    public static func orthonormalizeColumns(_ a: inout [Double], rows: Int, cols: Int) throws {
        var tau = [Double](repeating: 0, count: cols)
        var info = LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, Int32(rows), Int32(cols), &a, Int32(cols), &tau)
        guard info == 0 else { throw LinalgError.lapackFailure(routine: "dgeqrf", info: info) }
        info = LAPACKE_dorgqr(LAPACK_ROW_MAJOR, Int32(rows), Int32(cols), Int32(cols), &a, Int32(cols), &tau)
        guard info == 0 else { throw LinalgError.lapackFailure(routine: "dorgqr", info: info) }
    }

    /// Gram matrix AᵀA (d × d, both triangles filled) of an n × d block in single
    /// precision: the upper triangle from the deterministic kernel (each element summed over
    /// the rows in order), mirrored to the lower one.
    public static func gram(_ a: UnsafePointer<Float>, rows n: Int, cols d: Int,
                            into c: UnsafeMutablePointer<Float>) {
        mb_sgemm(1, 0, 1, d, d, n, 1, a, d, a, d, 0, c, d)
        for i in 0..<d {
            for j in 0..<i { c[i * d + j] = c[j * d + i] }
        }
    }
}

/// Eigen-decomposition of a symmetric matrix (LAPACK `dsyevr`).
public struct SymmetricEigen: Sendable {
    /// Eigenvalues, in descending order.
    public let values: [Double]
    /// Eigenvectors as rows: `vectors[r * n ..< (r + 1) * n]` belongs to `values[r]`.
    /// Each is normalised to unit length, with its largest-magnitude entry made positive
    /// so that the sign is deterministic.
    public let vectors: [Double]
    /// Order of the decomposed matrix.
    public let n: Int

    /// Decomposes the symmetric n × n matrix `a` (row-major; only the upper triangle is read)
    /// and keeps the `count` largest eigenpairs (all of them if `count` is nil).
    public init(symmetric a: [Double], n: Int, largest count: Int? = nil) throws {
        BLAS.ensureConfigured()
        guard a.count == n * n else {
            throw LinalgError.shapeMismatch("eigen: expected \(n)×\(n) values, got \(a.count)")
        }
        let want = min(count ?? n, n)
        guard want >= 0 else { throw LinalgError.invalidArgument("eigen: count must be non-negative") }
        self.n = n
        if n == 0 || want == 0 { values = []; vectors = []; return }
        var work = a
        var found: Int32 = 0
        var w = [Double](repeating: 0, count: n)
        var z = [Double](repeating: 0, count: n * want)
        var support = [Int32](repeating: 0, count: 2 * want)
        let info: Int32 = work.withUnsafeMutableBufferPointer { pa in
            // LAPACK 'I' range: indices il..iu of the ascending eigenvalues (1-based).
            LAPACKE_dsyevr(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "V")),
                           Int8(UInt8(ascii: want == n ? "A" : "I")), Int8(UInt8(ascii: "U")),
                           Int32(n), pa.baseAddress, Int32(n), 0, 0,
                           Int32(n - want + 1), Int32(n), 0, &found, &w, &z, Int32(want), &support)
        }
        guard info == 0 else { throw LinalgError.lapackFailure(routine: "dsyevr", info: info) }
        let m = Int(found)
        var vals: [Double] = []
        var vecs: [Double] = []
        vals.reserveCapacity(m)
        vecs.reserveCapacity(m * n)
        for r in stride(from: m - 1, through: 0, by: -1) {  // descending
            vals.append(w[r])
            var v = (0..<n).map { z[$0 * want + r] }
            var big = 0
            for i in 1..<n where abs(v[i]) > abs(v[big]) + 1e-12 { big = i }
            if v[big] < 0 { v = v.map { -$0 } }
            vecs.append(contentsOf: v)
        }
        values = vals
        vectors = vecs
    }
}
