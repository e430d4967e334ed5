import Linalg

/// Procrustes disparity between two point configurations, as `scipy.spatial.procrustes`:
/// both are centred and scaled to unit Frobenius norm, the second is optimally
/// rotated (reflections allowed) and scaled onto the first, and the disparity is the
/// remaining sum of squared differences, 1 − (Σ σᵢ)² with σᵢ the singular values of AᵀB.
public enum Procrustes {
    /// - Parameters: a, b: n × c matrices with the same shape (e.g. two embeddings).
    /// - Returns: disparity in [0, 1]; 0 means identical up to translation, scale, rotation, reflection.
    public static func disparity(_ a: Matrix, _ b: Matrix) throws -> Double {
        try checkPair(a, "first configuration", b, "second configuration")
        let x = try standardised(a, "first"), y = try standardised(b, "second")
        let n = a.rows, c = a.cols
        // M = XᵀY (c × c); singular values of M are the square roots of eig(MᵀM).
        var mtx = [Double](repeating: 0, count: c * c)
        for i in 0..<n { for p in 0..<c { for q in 0..<c { mtx[p * c + q] += x[i * c + p] * y[i * c + q] } } }
        var mtm = [Double](repeating: 0, count: c * c)
        for p in 0..<c { for q in 0..<c { var s = 0.0; for r in 0..<c { s += mtx[r * c + p] * mtx[r * c + q] }; mtm[p * c + q] = s } }
        let eigen = try SymmetricEigen(symmetric: mtm, n: c)
        var traceNorm = 0.0
        for v in eigen.values { traceNorm += max(v, 0).squareRoot() }
        return max(0, 1 - traceNorm * traceNorm)
    }

    /// A configuration aligned onto a reference, and how far it stays from it.
    public struct Alignment: Sendable {
        /// The aligned configuration, n × c, in the units of the normalised reference.
        public let aligned: Matrix
        /// The reference, centred and scaled to unit root-mean-square distance from its centroid, n × c.
        public let reference: Matrix
        /// Mean Euclidean distance per point between `aligned` and `reference` (the UMAP paper's
        /// "average Procrustes distance per point", in units of the reference's RMS radius).
        public let meanDistance: Double
        /// The reference's centroid (length c) and the factor that scaled it: a point x of the
        /// reference's space is drawn with the aligned points at (x − centroid) · scale.
        public let referenceCentroid: [Double]
        public let referenceScale: Double
    }

    /// Aligns `b` onto `reference` by the least-squares similarity transform (translation,
    /// rotation or reflection, one uniform scale), after centring the reference and scaling it
    /// to unit RMS radius (mean squared distance of its points from their centroid = 1).
    ///
    /// With M = B̃ᵀÃ (B̃, Ã centred) = U Σ Vᵀ, the rotation is R = U Vᵀ and the scale
    /// s = tr Σ / ‖B̃‖²_F (Schönemann 1966); the aligned points are s B̃ R. A configuration that
    /// is a rotated, reflected, scaled and shifted copy of the reference gives distance 0; a
    /// constant `b` (all points equal) is aligned to the centroid, distance = mean radius of the reference.
    /// - Parameters: reference, b: n × c matrices with the same shape, n ≥ 2, finite, reference not constant.
    public static func align(_ b: Matrix, onto reference: Matrix) throws -> Alignment {
        try checkPair(reference, "reference configuration", b, "aligned configuration")
        let n = b.rows, c = b.cols
        // The reference centred and scaled to unit RMS radius (its Frobenius norm becomes √n).
        var a = try standardised(reference, "reference")
        let rootN = Double(n).squareRoot()
        for i in a.indices { a[i] *= rootN }
        let centroid = reference.columnMeans()
        var referenceNorm = 0.0
        for i in 0..<n { for j in 0..<c { let v = Double(reference[i, j]) - centroid[j]; referenceNorm += v * v } }
        let bMeans = b.columnMeans()
        var y = [Double](repeating: 0, count: n * c)
        var yNorm = 0.0
        for i in 0..<n { for j in 0..<c { let v = Double(b[i, j]) - bMeans[j]; y[i * c + j] = v; yNorm += v * v } }
        var aligned = [Double](repeating: 0, count: n * c)
        if yNorm > 0 {
            // M = YᵀA (c × c); R = U Vᵀ from the SVD of M via the eigen-decomposition of MᵀM.
            var m = [Double](repeating: 0, count: c * c)
            for i in 0..<n { for p in 0..<c { for q in 0..<c { m[p * c + q] += y[i * c + p] * a[i * c + q] } } }
            let (rotation, traceNorm) = try polarRotation(m, c: c)
            let scale = traceNorm / yNorm
            for i in 0..<n { for q in 0..<c {
                var s = 0.0
                for p in 0..<c { s += y[i * c + p] * rotation[p * c + q] }
                aligned[i * c + q] = scale * s
            } }
        }
        var total = 0.0
        for i in 0..<n {
            var d2 = 0.0
            for j in 0..<c { let d = aligned[i * c + j] - a[i * c + j]; d2 += d * d }
            total += d2.squareRoot()
        }
        return Alignment(aligned: try Matrix(rows: n, cols: c, storage: aligned.map { Float($0) }),
                         reference: try Matrix(rows: n, cols: c, storage: a.map { Float($0) }),
                         meanDistance: total / Double(n), referenceCentroid: centroid,
                         referenceScale: rootN / referenceNorm.squareRoot())
    }

    /// The orthogonal factor R = U Vᵀ of the c × c matrix M = U Σ Vᵀ (row-major) and tr Σ.
    /// V and Σ² come from the eigen-decomposition of MᵀM; uᵢ = M vᵢ / σᵢ, and directions with
    /// σᵢ ≈ 0 are completed by Gram–Schmidt, so rank-deficient M still gives an orthogonal R.
    static func polarRotation(_ m: [Double], c: Int) throws -> (rotation: [Double], traceNorm: Double) {
        var mtm = [Double](repeating: 0, count: c * c)
        for p in 0..<c { for q in 0..<c { var s = 0.0; for r in 0..<c { s += m[r * c + p] * m[r * c + q] }; mtm[p * c + q] = s } }
        let eigen = try SymmetricEigen(symmetric: mtm, n: c)
        let sigma = eigen.values.map { max($0, 0).squareRoot() }
        let tolerance = (sigma.first ?? 0) * 1e-10
        var u = [[Double]](), v = [[Double]]()
        for k in 0..<c {
            let vk = Array(eigen.vectors[k * c ..< (k + 1) * c])
            var uk = [Double](repeating: 0, count: c)
            if sigma[k] > tolerance {
                for p in 0..<c { var s = 0.0; for q in 0..<c { s += m[p * c + q] * vk[q] }; uk[p] = s / sigma[k] }
            } else {
                // Any unit vector orthogonal to the earlier u's: Gram–Schmidt on the unit axes.
                for axis in 0..<c {
                    var w = [Double](repeating: 0, count: c); w[axis] = 1
                    for prev in u { let dot = zip(w, prev).reduce(0) { $0 + $1.0 * $1.1 }; for p in 0..<c { w[p] -= dot * prev[p] } }
                    let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    if norm > 1e-6 { uk = w.map { $0 / norm }; break }
                }
            }
            u.append(uk); v.append(vk)
        }
        var rotation = [Double](repeating: 0, count: c * c)
        for k in 0..<c { for p in 0..<c { for q in 0..<c { rotation[p * c + q] += u[k][p] * v[k][q] } } }
        return (rotation, sigma.reduce(0, +))
    }

    static func standardised(_ m: Matrix, _ name: String) throws -> [Double] {
        let means = m.columnMeans()
        var out = [Double](repeating: 0, count: m.rows * m.cols)
        var norm = 0.0
        for i in 0..<m.rows { for j in 0..<m.cols {
            let v = Double(m[i, j]) - means[j]; out[i * m.cols + j] = v; norm += v * v
        } }
        guard norm > 0 else { throw QualityError.invalidArgument("the \(name) configuration has all points equal") }
        let s = norm.squareRoot()
        return out.map { $0 / s }
    }

    /// The checks both comparisons make: the same shape, at least 2 points, finite values
    /// (errors name each matrix as `aName` / `bName`).
    static func checkPair(_ a: Matrix, _ aName: String, _ b: Matrix, _ bName: String) throws {
        guard a.rows == b.rows, a.cols == b.cols else {
            throw QualityError.invalidArgument("Procrustes needs two matrices of the same shape (\(a.rows)×\(a.cols) vs \(b.rows)×\(b.cols))")
        }
        guard a.rows >= 2 else { throw QualityError.tooFewPoints("Procrustes needs at least 2 points") }
        if let bad = a.firstNonFinite() { throw QualityError.nonFinite(matrix: aName, row: bad.row, col: bad.col) }
        if let bad = b.firstNonFinite() { throw QualityError.nonFinite(matrix: bName, row: bad.row, col: bad.col) }
    }
}
