import Linalg

/// Procrustes disparity between two point configurations, as `scipy.spatial.procrustes`:
/// both are centred and scaled to unit Frobenius norm, the second is optimally
/// rotated (reflections allowed) and scaled onto the first, and the disparity is the
/// remaining sum of squared differences, 1 − (Σ σᵢ)² with σᵢ the singular values of AᵀB.
public enum Procrustes {
    /// - Parameters: a, b: n × c matrices with the same shape (e.g. two embeddings).
    /// - Returns: disparity in [0, 1]; 0 means identical up to translation, scale, rotation, reflection.
    public static func disparity(_ a: Matrix, _ b: Matrix) throws -> Double {
        guard a.rows == b.rows, a.cols == b.cols else {
            throw QualityError.invalidArgument("Procrustes needs two matrices of the same shape (\(a.rows)×\(a.cols) vs \(b.rows)×\(b.cols))")
        }
        guard a.rows >= 2 else { throw QualityError.tooFewPoints("Procrustes needs at least 2 points") }
        if let bad = a.firstNonFinite() { throw QualityError.nonFinite(matrix: "first configuration", row: bad.row, col: bad.col) }
        if let bad = b.firstNonFinite() { throw QualityError.nonFinite(matrix: "second configuration", row: bad.row, col: bad.col) }
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
}
