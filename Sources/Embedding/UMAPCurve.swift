import Linalg
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The low-dimensional similarity curve 1 / (1 + a·x^(2b)) of UMAP.
public enum UMAPCurve {
    /// Least-squares fit of 1/(1 + a x^(2b)) to the target curve (1 for x < minDist,
    /// exp(−(x − minDist)/spread) beyond) on 300 points of [0, 3·spread], by
    /// Levenberg–Marquardt in Double starting from a = b = 1.
    /// Defaults (0.1, 1.0) give a ≈ 1.577, b ≈ 0.895 as in umap-learn.
    public static func fitAB(spread: Double, minDist: Double) -> (a: Double, b: Double) {
        let count = 300
        let xs = (0..<count).map { 3 * spread * Double($0) / Double(count - 1) }
        let ys = xs.map { $0 < minDist ? 1.0 : DeterministicMath.exp(-($0 - minDist) / spread) }
        func residuals(_ a: Double, _ b: Double) -> Double {
            var s = 0.0
            for (x, y) in zip(xs, ys) {
                let f = 1 / (1 + a * DeterministicMath.pow(x, 2 * b))
                s += (f - y) * (f - y)
            }
            return s
        }
        var a = 1.0, b = 1.0, lambda = 1e-3
        var cost = residuals(a, b)
        for _ in 0..<500 {
            var jtj = [0.0, 0.0, 0.0], jtr = [0.0, 0.0]
            for (x, y) in zip(xs, ys) where x > 0 {
                let u = DeterministicMath.pow(x, 2 * b)
                let f = 1 / (1 + a * u)
                let da = -u * f * f
                let db = -a * u * 2 * DeterministicMath.log(x) * f * f
                let r = f - y
                jtj[0] += da * da; jtj[1] += da * db; jtj[2] += db * db
                jtr[0] += da * r; jtr[1] += db * r
            }
            var improved = false
            for _ in 0..<30 {
                let m00 = jtj[0] * (1 + lambda), m11 = jtj[2] * (1 + lambda), m01 = jtj[1]
                let det = m00 * m11 - m01 * m01
                guard det != 0, det.isFinite else { lambda *= 10; continue }
                let stepA = -(m11 * jtr[0] - m01 * jtr[1]) / det
                let stepB = -(m00 * jtr[1] - m01 * jtr[0]) / det
                let na = a + stepA, nb = b + stepB
                if na > 0, nb > 0 {
                    let c = residuals(na, nb)
                    if c < cost {
                        let gain = cost - c
                        a = na; b = nb; cost = c; lambda = max(lambda / 10, 1e-12)
                        improved = gain > 1e-15 * max(cost, 1e-300)
                        break
                    }
                }
                lambda *= 10
            }
            if !improved { break }
        }
        return (a, b)
    }
}
