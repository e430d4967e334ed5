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

/// A bounded max-heap keeping the `capacity` smallest (distance, index) pairs.
/// Ties in distance are ordered by index, so results are deterministic.
public struct NeighborHeap {
    public let capacity: Int
    @usableFromInline var dist: [Float]
    @usableFromInline var idx: [Int32]

    public init(capacity: Int) {
        self.capacity = capacity
        dist = []
        idx = []
        dist.reserveCapacity(capacity)
        idx.reserveCapacity(capacity)
    }

    public mutating func clear() { dist.removeAll(keepingCapacity: true); idx.removeAll(keepingCapacity: true) }

    @inlinable
    static func greater(_ d1: Float, _ i1: Int32, _ d2: Float, _ i2: Int32) -> Bool {
        d1 > d2 || (d1 == d2 && i1 > i2)
    }

    /// Offers a candidate; kept if it is among the `capacity` smallest so far.
    @inlinable
    public mutating func push(distance: Float, index: Int32) {
        if dist.count < capacity {
            dist.append(distance); idx.append(index)
            var c = dist.count - 1
            while c > 0 {
                let p = (c - 1) / 2
                if NeighborHeap.greater(dist[c], idx[c], dist[p], idx[p]) {
                    dist.swapAt(c, p); idx.swapAt(c, p); c = p
                } else { break }
            }
            return
        }
        guard NeighborHeap.greater(dist[0], idx[0], distance, index) else { return }
        dist[0] = distance; idx[0] = index
        var p = 0
        let n = dist.count
        while true {
            let l = 2 * p + 1, r = l + 1
            var m = p
            if l < n && NeighborHeap.greater(dist[l], idx[l], dist[m], idx[m]) { m = l }
            if r < n && NeighborHeap.greater(dist[r], idx[r], dist[m], idx[m]) { m = r }
            if m == p { break }
            dist.swapAt(p, m); idx.swapAt(p, m); p = m
        }
    }

    /// The kept pairs, ascending by (distance, index).
    public func sortedAscending() -> [(Float, Int32)] {
        zip(dist, idx).sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
    }
}
