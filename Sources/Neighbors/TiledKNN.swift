import Linalg

extension ExactKNN {
    /// Exact k nearest neighbours of every row of `data` under any `Metric`.
    ///
    /// Euclidean, cosine and correlation go through BLAS tiles
    /// (‖x‖² + ‖y‖² − 2 x·y with `sgemm`, then an exact re-check of the best
    /// k + 8 candidates); other metrics use the SIMD kernels pairwise.
    /// Deterministic: ties are broken by the lower index; chunking depends on n only.
    /// - Parameters:
    ///   - k: neighbours per point, counting the point itself when `includeSelf`.
    /// - Throws: `NeighborsError.tooFewPoints`, `.nonFinite`, `.invalidArgument`.
    public static func search(_ data: Matrix, k: Int, metric: Metric, includeSelf: Bool) throws -> KNNGraph {
        let others = includeSelf ? k - 1 : k
        guard k > 0 else { throw NeighborsError.invalidArgument("k must be positive, got \(k)") }
        guard others < data.rows else { throw NeighborsError.tooFewPoints(n: data.rows, k: others) }
        if let bad = data.firstNonFinite() { throw NeighborsError.nonFinite(row: bad.row, col: bad.col) }
        let rows = try query(data, reference: data, k: others, metric: metric, excludeSelf: true)
        guard includeSelf else { return rows }
        var indices = [Int32](repeating: 0, count: data.rows * k)
        var distances = [Float](repeating: 0, count: data.rows * k)
        for i in 0..<data.rows {
            indices[i * k] = Int32(i)
            for j in 0..<others {
                indices[i * k + 1 + j] = rows.indices[i * others + j]
                distances[i * k + 1 + j] = rows.distances[i * others + j]
            }
        }
        return KNNGraph(n: data.rows, k: k, indices: indices, distances: distances, includesSelf: true)
    }

    /// Exact k nearest rows of `reference` for every row of `queries` (m × d against n × d).
    /// With `excludeSelf`, query i never returns reference row i (use when they are the same matrix).
    /// Returns an m × k graph (`includesSelf` false) with true distances in `metric`.
    public static func query(_ queries: Matrix, reference: Matrix, k: Int, metric: Metric,
                             excludeSelf: Bool = false) throws -> KNNGraph {
        let m = queries.rows, n = reference.rows, d = reference.cols
        guard queries.cols == d else {
            throw NeighborsError.invalidArgument("queries have \(queries.cols) columns, reference has \(d)")
        }
        guard k > 0 else { throw NeighborsError.invalidArgument("k must be positive, got \(k)") }
        guard k <= n - (excludeSelf ? 1 : 0) else { throw NeighborsError.tooFewPoints(n: n, k: k) }
        if let bad = queries.firstNonFinite() { throw NeighborsError.nonFinite(row: bad.row, col: bad.col) }
        if let bad = reference.firstNonFinite() { throw NeighborsError.nonFinite(row: bad.row, col: bad.col) }
        let keep = metric.isInnerProductBased ? min(k + 8, n - (excludeSelf ? 1 : 0)) : k
        let q = ReducedDistanceRows(queries, metric: metric)
        let r = ReducedDistanceRows(reference, metric: metric)
        var indices = [Int32](repeating: -1, count: m * k)
        var distances = [Float](repeating: 0, count: m * k)
        let queryTile = 64, refTile = 1024
        var refNorms = [Float](repeating: 0, count: n)
        r.values.withUnsafeBufferPointer { rv in
            for j in 0..<n { refNorms[j] = Distance.dot(rv.baseAddress! + j * d, rv.baseAddress! + j * d, d) }
        }
        q.values.withUnsafeBufferPointer { qb in
            r.values.withUnsafeBufferPointer { rb in
                refNorms.withUnsafeBufferPointer { nb in
                    indices.withUnsafeMutableBufferPointer { ib in
                        distances.withUnsafeMutableBufferPointer { db in
                            let qv = qb.baseAddress!, rv = rb.baseAddress!, rn = nb.baseAddress!
                            let ip = ib.baseAddress!, dp = db.baseAddress!
                            Parallel.forEachChunk(count: m, chunkSize: queryTile) { _, range in
                                var heaps = (0..<range.count).map { _ in NeighborHeap(capacity: keep) }
                                if metric.isInnerProductBased {
                                    var dots = [Float](repeating: 0, count: range.count * refTile)
                                    var qNorms = [Float](repeating: 0, count: range.count)
                                    for (a, i) in range.enumerated() { qNorms[a] = Distance.dot(qv + i * d, qv + i * d, d) }
                                    var start = 0
                                    while start < n {
                                        let width = min(refTile, n - start)
                                        dots.withUnsafeMutableBufferPointer { cb in
                                            BLAS.sgemm(m: range.count, n: width, k: d, alpha: -2,
                                                       a: qv + range.lowerBound * d, lda: d,
                                                       b: rv + start * d, ldb: d, transposeB: true,
                                                       c: cb.baseAddress!, ldc: width)
                                        }
                                        for a in 0..<range.count {
                                            let i = range.lowerBound + a
                                            for jj in 0..<width {
                                                let j = start + jj
                                                if excludeSelf && j == i { continue }
                                                let dist = max(0, qNorms[a] + rn[j] + dots[a * width + jj])
                                                heaps[a].push(distance: dist, index: Int32(j))
                                            }
                                        }
                                        start += width
                                    }
                                    // Exact re-check of the kept candidates.
                                    for a in 0..<range.count {
                                        let i = range.lowerBound + a
                                        let cand = heaps[a].sortedAscending()
                                        heaps[a].clear()
                                        for (_, j) in cand {
                                            heaps[a].push(distance: Distance.squaredEuclidean(qv + i * d, rv + Int(j) * d, d), index: j)
                                        }
                                    }
                                } else {
                                    for (a, i) in range.enumerated() {
                                        for j in 0..<n where !(excludeSelf && j == i) {
                                            heaps[a].push(distance: metric.distance(qv + i * d, rv + j * d, d), index: Int32(j))
                                        }
                                    }
                                }
                                for (a, i) in range.enumerated() {
                                    for (col, pair) in heaps[a].sortedAscending().prefix(k).enumerated() {
                                        ip[i * k + col] = pair.1
                                        dp[i * k + col] = pair.0
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        // True distances in the metric, measured on the original rows.
        let dq = d
        queries.storage.withUnsafeBufferPointer { xb in
            reference.storage.withUnsafeBufferPointer { yb in
                for i in 0..<m {
                    var pairs: [(Float, Int32)] = []
                    for c in 0..<k {
                        let j = indices[i * k + c]
                        let dist = metric == .euclidean ? distances[i * k + c].squareRoot()
                            : metric.distance(xb.baseAddress! + i * dq, yb.baseAddress! + Int(j) * dq, dq)
                        pairs.append((dist, j))
                    }
                    pairs.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                    for c in 0..<k { indices[i * k + c] = pairs[c].1; distances[i * k + c] = pairs[c].0 }
                }
            }
        }
        return KNNGraph(n: m, k: k, indices: indices, distances: distances, includesSelf: false)
    }
}
