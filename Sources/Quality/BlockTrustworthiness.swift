import Linalg
import Neighbors

extension NeighborhoodMetrics {
    /// Exact trustworthiness T(k) with input ranks under a block's own distance (any
    /// `BlockDistance`: categorical, Levenshtein, haversine, Gower, ...), the same formula as
    /// `compute`: 1 − 2/(n k (2n − 3k − 1)) Σᵢ Σ_{j ∈ Uₖ(i)} max(0, r(i, j) − k), Uₖ(i) the k nearest
    /// neighbours of i in the embedding (Euclidean), r(i, j) the 1-based rank of j among the other
    /// points by block distance from i, ties by the lower index.
    /// O(n²) distance evaluations, so limited to `BlockKNN.maximumPoints` points; per-point
    /// penalties are summed in point order (thread-count independent).
    /// - Throws: `QualityError` for mismatched sizes or k outside 1 ≤ k < n/2.
    public static func trustworthiness(block: BlockDistance, embedding: Matrix, k: Int) throws -> Double {
        let n = embedding.rows
        guard block.count == n else { throw QualityError.rowCountMismatch(data: block.count, embedding: n) }
        guard k >= 1, 2 * k < n else {
            throw QualityError.invalidNeighborCount(k: k, n: n, requirement: "trustworthiness needs 1 ≤ k < n/2")
        }
        guard n <= BlockKNN.maximumPoints else {
            throw QualityError.invalidArgument("trustworthiness under a block's own distance ranks every pair; it is limited to \(BlockKNN.maximumPoints) points, got \(n)")
        }
        if let bad = embedding.firstNonFinite() { throw QualityError.nonFinite(matrix: "embedding", row: bad.row, col: bad.col) }
        let knn: KNNGraph
        do { knn = try ExactKNN.search(embedding, k: k, metric: .euclidean, includeSelf: false) } catch {
            throw QualityError.invalidArgument("embedding neighbours: \(error)")
        }
        var penalties = [Double](repeating: 0, count: n)
        penalties.withUnsafeMutableBufferPointer { out in
            let p = out.baseAddress!
            Parallel.forEachChunk(count: n, chunkSize: Parallel.chunkSize(for: n)) { _, range in
                var evaluator = block.evaluator()
                var distance = [Float](repeating: 0, count: n)
                var rank = [Int](repeating: 0, count: n)
                for i in range {
                    for j in 0..<n { distance[j] = j == i ? -1 : evaluator.distance(i, j) }
                    let order = (0..<n).sorted { distance[$0] < distance[$1] || (distance[$0] == distance[$1] && $0 < $1) }
                    for (position, j) in order.enumerated() { rank[j] = position }  // i itself is position 0
                    var penalty = 0.0
                    for j in knn.neighbors(of: i) { penalty += Double(max(0, rank[Int(j)] - k)) }
                    p[i] = penalty
                }
            }
        }
        var total = 0.0
        for v in penalties { total += v }
        return 1 - 2 / (Double(n) * Double(k) * (2 * Double(n) - 3 * Double(k) - 1)) * total
    }
}
