import Linalg

/// Random-triplet accuracy (Wang, Huang, Rudin & Shaposhnik 2021, the PaCMAP paper's
/// `random_triplet_eval`): the fraction of triplets (i; j, l) whose relative order,
/// "j is nearer to i than l is" (dX(i, j) < dX(i, l)), is the same in the embedding.
///
/// Exact (every anchor i with every unordered pair j < l of two other points) when
/// n ≤ `exactLimit`: n (n−1)(n−2)/2 triplets. Above it, `count` triplets drawn independently
/// from `RandomStream(seed:, purpose: "quality.triplets")`: i uniform, then j and l uniform among
/// the other points and distinct (departure from PaCMAP's script, which draws j and l with
/// replacement and may repeat i; distinct points keep the estimand the exact value above).
/// Standard error of the sampled fraction p̂: √(p̂(1 − p̂)/m). Distances are Euclidean in
/// Double; the exact sum runs over anchors in fixed chunks of integer counts, so results do not
/// depend on the thread count.
public enum TripletAccuracy {
    /// Anchors per parallel chunk in the exact computation.
    static let anchorChunk = 8
    /// Triplets per parallel chunk when sampled.
    static let tripletChunk = 4_096

    /// - Parameters: data n × d, embedding n × c; exactLimit (default 200 points); count
    ///   (sampled triplets, default 100 000); seed.
    public static func accuracy(data: Matrix, embedding: Matrix, exactLimit: Int = 200, count: Int = 100_000,
                                seed: UInt64) throws -> MetricEstimate {
        try NeighborhoodMetrics.validate(data: data, embedding: embedding)
        let n = data.rows
        guard n >= 3 else { throw QualityError.tooFewPoints("triplet accuracy needs at least 3 points, got \(n)") }
        if n <= exactLimit { return exact(data: data, embedding: embedding) }
        guard count >= 2 else { throw QualityError.invalidArgument("sampled triplet count must be at least 2, got \(count)") }
        var rng = RandomStream(seed: seed, purpose: "quality.triplets")
        var triplets = [Int](repeating: 0, count: 3 * count)
        for t in 0..<count {
            let i = rng.nextInt(below: n)
            var j = rng.nextInt(below: n - 1)
            if j >= i { j += 1 }
            // l among the n − 2 points other than i and j.
            var l = rng.nextInt(below: n - 2)
            let (lo, hi) = (min(i, j), max(i, j))
            if l >= lo { l += 1 }
            if l >= hi { l += 1 }
            triplets[3 * t] = i; triplets[3 * t + 1] = j; triplets[3 * t + 2] = l
        }
        let agreeing = Parallel.mapChunks(count: count, chunkSize: tripletChunk) { _, range -> Int in
            var agree = 0
            for t in range {
                let i = triplets[3 * t], j = triplets[3 * t + 1], l = triplets[3 * t + 2]
                let inX = squared(data, i, j) < squared(data, i, l)
                let inY = squared(embedding, i, j) < squared(embedding, i, l)
                if inX == inY { agree += 1 }
            }
            return agree
        }.reduce(0, +)
        let p = Double(agreeing) / Double(count)
        return MetricEstimate(value: p, standardError: (p * (1 - p) / Double(count)).squareRoot(), queries: count, points: n)
    }

    /// Every anchor with every unordered pair of two other points.
    static func exact(data: Matrix, embedding: Matrix) -> MetricEstimate {
        let n = data.rows
        let agreeing = Parallel.mapChunks(count: n, chunkSize: anchorChunk) { _, range -> Int in
            var agree = 0
            var dx = [Double](repeating: 0, count: n), dy = [Double](repeating: 0, count: n)
            for i in range {
                for j in 0..<n { dx[j] = squared(data, i, j); dy[j] = squared(embedding, i, j) }
                for j in 0..<n where j != i {
                    for l in (j + 1)..<max(j + 1, n) where l != i {
                        if (dx[j] < dx[l]) == (dy[j] < dy[l]) { agree += 1 }
                    }
                }
            }
            return agree
        }.reduce(0, +)
        let total = n * (n - 1) * (n - 2) / 2
        return MetricEstimate(value: Double(agreeing) / Double(total), standardError: nil, queries: total, points: n)
    }

    /// Squared Euclidean distance between rows i and j, in Double (order-preserving, so
    /// comparisons equal those of the distances).
    @inline(__always)
    static func squared(_ m: Matrix, _ i: Int, _ j: Int) -> Double {
        let d = m.cols
        return m.storage.withUnsafeBufferPointer { x in
            var s = 0.0
            for t in 0..<d { let v = Double(x[i * d + t]) - Double(x[j * d + t]); s += v * v }
            return s
        }
    }
}
