import CBLAS
import Linalg

/// Randomized PCA (Halko, Martinsson & Tropp 2011, Alg. 4.4 with power
/// iterations) for wide data, in `Double` for the small factors.
///
/// Range finder on the implicitly centred X: Q = orth((X Xᵀ)^q X Ω) with
/// Ω a d × (c + p) Gaussian test matrix from the seed; then the top
/// eigenpairs of B Bᵀ with B = Qᵀ X give the principal axes.
struct RandomizedPCASolver {
    let nComponents: Int
    let powerIterations: Int
    let oversamples: Int

    func fit(_ data: Matrix, mean: [Double], seed: UInt64, whiten: Bool) throws -> PCAModel {
        let n = data.rows, d = data.cols
        let l = min(nComponents + oversamples, min(n, d))
        var centered = [Double](repeating: 0, count: n * d)
        data.storage.withUnsafeBufferPointer { x in
            for i in 0..<n { for j in 0..<d { centered[i * d + j] = Double(x[i * d + j]) - mean[j] } }
        }
        var rng = RandomStream(seed: seed, purpose: "pca.randomized")
        var omega = (0..<(d * l)).map { _ in rng.nextGaussian() }
        // Y = Xc Ω (n × l), orthonormalised; power iterations alternate Xcᵀ and Xc.
        var y = [Double](repeating: 0, count: n * l)
        dgemm(centered, n, d, false, omega, d, l, false, &y)
        try orthonormalize(&y, rows: n, cols: l)
        for _ in 0..<powerIterations {
            dgemm(centered, n, d, true, y, n, l, false, &omega)  // d × l
            try orthonormalize(&omega, rows: d, cols: l)
            dgemm(centered, n, d, false, omega, d, l, false, &y)  // n × l
            try orthonormalize(&y, rows: n, cols: l)
        }
        // B = Qᵀ Xc (l × d); B Bᵀ (l × l) has the squared singular values.
        var b = [Double](repeating: 0, count: l * d)
        dgemm(y, n, l, true, centered, n, d, false, &b)
        var bbt = [Double](repeating: 0, count: l * l)
        dgemm(b, l, d, false, b, l, d, true, &bbt)
        let eigen = try SymmetricEigen(symmetric: bbt, n: l, largest: nComponents)
        // Right singular vectors: v_k = Bᵀ u_k / σ_k.
        var components = [Double](repeating: 0, count: nComponents * d)
        for k in 0..<nComponents {
            let sigma = max(eigen.values[k], 0).squareRoot()
            var v = [Double](repeating: 0, count: d)
            for r in 0..<l {
                let u = eigen.vectors[k * l + r]
                for j in 0..<d { v[j] += b[r * d + j] * u }
            }
            let norm = max(sigma, 1e-300)
            var big = 0
            for j in 0..<d {
                v[j] /= norm
                if abs(v[j]) > abs(v[big]) + 1e-12 { big = j }
            }
            let sign: Double = v[big] < 0 ? -1 : 1
            for j in 0..<d { components[k * d + j] = v[j] * sign }
        }
        var total = 0.0
        for value in centered { total += value * value }
        let denominator = Double(n - 1)
        return PCAModel(mean: mean, components: components, nComponents: nComponents,
                        explainedVariance: eigen.values.map { max($0, 0) / denominator },
                        totalVariance: total / denominator, whiten: whiten)
    }

    /// C = op(A) · op(B) for row-major Double matrices with stored shapes ar × ac and br × bc.
    private func dgemm(_ a: [Double], _ ar: Int, _ ac: Int, _ ta: Bool,
                       _ b: [Double], _ br: Int, _ bc: Int, _ tb: Bool, _ c: inout [Double]) {
        BLAS.ensureConfigured()
        let m = ta ? ac : ar, k = ta ? ar : ac, n = tb ? br : bc
        cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(ac), b, Int32(bc), 0, &c, Int32(n))
    }

    /// Replaces the columns of the row-major rows × cols matrix by an orthonormal basis (QR).
    private func orthonormalize(_ a: inout [Double], rows: Int, cols: Int) throws {
        var tau = [Double](repeating: 0, count: cols)
        var info = LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, Int32(rows), Int32(cols), &a, Int32(cols), &tau)
        guard info == 0 else { throw LinalgError.lapackFailure(routine: "dgeqrf", info: info) }
        info = LAPACKE_dorgqr(LAPACK_ROW_MAJOR, Int32(rows), Int32(cols), Int32(cols), &a, Int32(cols), &tau)
        guard info == 0 else { throw LinalgError.lapackFailure(routine: "dorgqr", info: info) }
    }
}
