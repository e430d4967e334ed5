import Linalg

/// The point pairs that the distance-preservation measures (`DistancePreservation`) are
/// computed on, with the input and embedding distance of each pair.
///
/// Exact (every pair i < j) when n ≤ `exactLimit`; otherwise `count` pairs (i, j), i ≠ j,
/// each drawn uniformly and independently (with replacement) from
/// `RandomStream(seed:, purpose: "quality.pairs")`, so the mean of any per-pair quantity is an
/// unbiased estimate of its mean over all pairs, and independent draws give simple standard errors.
/// The pairs are drawn in one sequential stream; the distances are computed in fixed chunks,
/// so the result does not depend on the thread count.
struct PairSample {
    /// Input-space distance of each pair (Double, accumulated from the Float coordinates).
    let input: [Double]
    /// Embedding distance of each pair.
    let embedded: [Double]
    /// True when every pair i < j is present (the value is exact, no standard error).
    let exact: Bool
    /// Number of points the pairs come from.
    let points: Int

    /// Pairs processed per parallel chunk (fixed, so results never depend on threads).
    static let chunkSize = 4_096

    init(data: Matrix, embedding: Matrix, exactLimit: Int, count: Int, seed: UInt64) throws {
        let n = data.rows
        points = n
        var first: [Int] = [], second: [Int] = []
        if n <= exactLimit {
            exact = true
            let total = n * (n - 1) / 2
            first.reserveCapacity(total); second.reserveCapacity(total)
            for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { first.append(i); second.append(j) } }
        } else {
            guard count >= 2 else { throw QualityError.invalidArgument("sampled pair count must be at least 2, got \(count)") }
            exact = false
            var rng = RandomStream(seed: seed, purpose: "quality.pairs")
            first.reserveCapacity(count); second.reserveCapacity(count)
            for _ in 0..<count {
                let i = rng.nextInt(below: n)
                var j = rng.nextInt(below: n - 1)
                if j >= i { j += 1 }
                first.append(i); second.append(j)
            }
        }
        input = PairSample.distances(data, first, second)
        embedded = PairSample.distances(embedding, first, second)
    }

    /// Euclidean distance of each pair (first[p], second[p]), accumulated in Double.
    static func distances(_ m: Matrix, _ first: [Int], _ second: [Int]) -> [Double] {
        let count = first.count, d = m.cols
        var out = [Double](repeating: 0, count: count)
        m.storage.withUnsafeBufferPointer { xb in
        out.withUnsafeMutableBufferPointer { ob in
            let x = xb.baseAddress!, o = ob.baseAddress!
            Parallel.forEachChunk(count: count, chunkSize: chunkSize) { _, range in
                for p in range {
                    let a = x + first[p] * d, b = x + second[p] * d
                    var acc = 0.0
                    for t in 0..<d { let v = Double(a[t]) - Double(b[t]); acc += v * v }
                    o[p] = acc.squareRoot()
                }
            }
        }}
        return out
    }
}
