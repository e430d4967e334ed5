import Linalg

/// Exact k-nearest neighbours under the Euclidean metric by brute force.
///
/// O(n² d) time; ground truth for tests and the method for small n.
/// Ties are broken by the lower index, so the result is fully deterministic.
public enum ExactKNN {
    /// The k nearest neighbours of every row of `data` among the rows of `data`.
    /// - Parameters:
    ///   - k: neighbours per point, counting the point itself when `includeSelf`.
    ///   - includeSelf: list each point first as its own neighbour (umap-learn's convention).
    public static func euclidean(_ data: Matrix, k: Int, includeSelf: Bool) throws -> KNNGraph {
        let n = data.rows
        let others = includeSelf ? k - 1 : k
        guard k > 0 else { throw NeighborsError.invalidArgument("k must be positive, got \(k)") }
        guard others < n else { throw NeighborsError.tooFewPoints(n: n, k: others) }
        if let bad = data.firstNonFinite() { throw NeighborsError.nonFinite(row: bad.row, col: bad.col) }
        var indices = [Int32](repeating: 0, count: n * k)
        var distances = [Float](repeating: 0, count: n * k)
        let d = data.cols
        data.storage.withUnsafeBufferPointer { x in
            indices.withUnsafeMutableBufferPointer { outI in
                distances.withUnsafeMutableBufferPointer { outD in
                    let px = x.baseAddress!
                    let oi = outI.baseAddress!
                    let od = outD.baseAddress!
                    Parallel.forEachChunk(count: n, chunkSize: Parallel.chunkSize(for: n)) { _, range in
                        var heap = NeighborHeap(capacity: max(others, 1))
                        for i in range {
                            heap.clear()
                            for j in 0..<n where j != i {
                                let dist = Distance.squaredEuclidean(px + i * d, px + j * d, d)
                                heap.push(distance: dist, index: Int32(j))
                            }
                            let sorted = heap.sortedAscending()
                            var col = 0
                            if includeSelf {
                                oi[i * k] = Int32(i); od[i * k] = 0; col = 1
                            }
                            for (dist, j) in sorted.prefix(others) {
                                oi[i * k + col] = j
                                od[i * k + col] = dist.squareRoot()
                                col += 1
                            }
                        }
                    }
                }
            }
        }
        return KNNGraph(n: n, k: k, indices: indices, distances: distances, includesSelf: includeSelf)
    }
}
