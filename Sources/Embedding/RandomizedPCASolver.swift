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
        BLAS.dgemm(centered, n, d, false, omega, d, l, false, &y)
        try BLAS.orthonormalizeColumns(&y, rows: n, cols: l)
        for _ in 0..<powerIterations {
            BLAS.dgemm(centered, n, d, true, y, n, l, false, &omega)  // d × l
            try BLAS.orthonormalizeColumns(&omega, rows: d, cols: l)
            BLAS.dgemm(centered, n, d, false, omega, d, l, false, &y)  // n × l
            try BLAS.orthonormalizeColumns(&y, rows: n, cols: l)
        }
        // B = Qᵀ Xc (l × d); B Bᵀ (l × l) has the squared singular values.
        var b = [Double](repeating: 0, count: l * d)
        BLAS.dgemm(y, n, l, true, centered, n, d, false, &b)
        var bbt = [Double](repeating: 0, count: l * l)
        BLAS.dgemm(b, l, d, false, b, l, d, true, &bbt)
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
}
