import Linalg

/// Exact k nearest neighbours under a `BlockDistance`.
///
/// Vector blocks go through `ExactKNN.search` (BLAS tiles or SIMD kernels); the other
/// distances are evaluated for every pair, O(n²) evaluations, so the search is limited to
/// `maximumPoints` points. Ties are broken by the lower index (`NeighborHeap`), rows are
/// split into fixed chunks: the result does not depend on the thread count.
public enum BlockKNN {
    /// Largest n searched pairwise (n² distance evaluations: 4·10⁸ at the limit).
    public static let maximumPoints = 20_000

    /// The k nearest neighbours of every point, the point itself first when `includeSelf`.
    /// - Throws: `NeighborsError.tooFewPoints`, or `.invalidArgument` above `maximumPoints`.
    public static func search(_ block: BlockDistance, k: Int, includeSelf: Bool) throws -> KNNGraph {
        if case .vectors(let m, let metric) = block {
            return try ExactKNN.search(m, k: k, metric: metric, includeSelf: includeSelf)
        }
        let n = block.count
        let others = includeSelf ? k - 1 : k
        guard k > 0 else { throw NeighborsError.invalidArgument("k must be positive, got \(k)") }
        guard others < n else { throw NeighborsError.tooFewPoints(n: n, k: others) }
        guard n <= maximumPoints else {
            throw NeighborsError.invalidArgument("the exact search for a \(block.kindName) block compares every pair; it is limited to \(maximumPoints) points, got \(n)")
        }
        var indices = [Int32](repeating: 0, count: n * k)
        var distances = [Float](repeating: 0, count: n * k)
        indices.withUnsafeMutableBufferPointer { outI in
            distances.withUnsafeMutableBufferPointer { outD in
                let oi = outI.baseAddress!, od = outD.baseAddress!
                Parallel.forEachChunk(count: n, chunkSize: Parallel.chunkSize(for: n)) { _, range in
                    var heap = NeighborHeap(capacity: max(others, 1))
                    var evaluator = block.evaluator()
                    for i in range {
                        heap.clear()
                        for j in 0..<n where j != i { heap.push(distance: evaluator.distance(i, j), index: Int32(j)) }
                        var col = 0
                        if includeSelf { oi[i * k] = Int32(i); od[i * k] = 0; col = 1 }
                        for (dist, j) in heap.sortedAscending().prefix(others) {
                            oi[i * k + col] = j
                            od[i * k + col] = dist
                            col += 1
                        }
                    }
                }
            }
        }
        return KNNGraph(n: n, k: k, indices: indices, distances: distances, includesSelf: includeSelf)
    }
}

extension BlockDistance {
    /// The distance's name, for messages.
    public var kindName: String {
        switch self {
        case .vectors(_, let metric): return metric.description
        case .categorical: return "categorical"
        case .ordinal: return "ordinal"
        case .strings: return "levenshtein"
        case .gower: return "gower"
        }
    }
}
