import Linalg

/// Spearman rank correlation between the pairwise distances of the input and of the
/// embedding, over a seeded sample of points (all pairs of the sampled points).
public enum DistanceCorrelation {
    /// - Parameters:
    ///   - sampleSize: points drawn with `RandomStream(seed:, purpose: "quality.distance-correlation")`
    ///     (all points when n ≤ sampleSize); the pairs are all s(s−1)/2 pairs among them.
    /// - Returns: Spearman ρ in [−1, 1] (average ranks for ties).
    public static func spearman(data: Matrix, embedding: Matrix, sampleSize: Int = 1_000, seed: UInt64) throws -> Double {
        try NeighborhoodMetrics.validate(data: data, embedding: embedding)
        let n = data.rows
        guard sampleSize >= 3 else { throw QualityError.invalidArgument("distance-correlation sample size must be ≥ 3") }
        var points = Array(0..<n)
        if n > sampleSize {
            var rng = RandomStream(seed: seed, purpose: "quality.distance-correlation")
            points = rng.sample(sampleSize, from: n).sorted()
        }
        guard points.count >= 3 else { throw QualityError.tooFewPoints("distance correlation needs at least 3 points") }
        let a = pairwiseDistances(data, points), b = pairwiseDistances(embedding, points)
        return Statistics.spearman(a, b)
    }

    /// Distances (Double) between all pairs i < j of `points`, row by row.
    static func pairwiseDistances(_ m: Matrix, _ points: [Int]) -> [Double] {
        let s = points.count, d = m.cols
        let rowStarts = (0..<s).map { i in i * (2 * s - i - 1) / 2 }
        var out = [Double](repeating: 0, count: s * (s - 1) / 2)
        m.storage.withUnsafeBufferPointer { xb in
        out.withUnsafeMutableBufferPointer { ob in
            let x = xb.baseAddress!, o = ob.baseAddress!
            Parallel.forEachChunk(count: s, chunkSize: 16) { _, range in
                for i in range {
                    let a = x + points[i] * d
                    for j in (i + 1)..<max(i + 1, s) {
                        let b = x + points[j] * d
                        var acc = 0.0
                        for t in 0..<d { let v = Double(a[t]) - Double(b[t]); acc += v * v }
                        o[rowStarts[i] + j - i - 1] = acc.squareRoot()
                    }
                }
            }
        }}
        return out
    }
}
