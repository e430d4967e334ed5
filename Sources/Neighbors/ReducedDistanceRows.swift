import Linalg

/// Data rearranged so that a cheap "reduced" distance orders neighbours the same
/// way as the metric: squared Euclidean on the raw rows (euclidean), on unit-length
/// rows (cosine) or on centred unit-length rows (correlation); the metric itself otherwise.
struct ReducedDistanceRows {
    let n: Int
    let d: Int
    /// Row-major n × d values used by the reduced distance and by RP-tree splits.
    let values: [Float]
    /// True when the reduced distance is squared Euclidean on `values`.
    let squaredEuclidean: Bool
    let metric: Metric

    init(_ data: Matrix, metric: Metric) {
        n = data.rows
        d = data.cols
        self.metric = metric
        switch metric {
        case .euclidean:
            values = data.storage
            squaredEuclidean = true
        case .cosine, .correlation:
            var v = data.storage
            let d = data.cols
            let centre = metric == .correlation
            v.withUnsafeMutableBufferPointer { p in
                for i in 0..<data.rows {
                    let row = p.baseAddress! + i * d
                    if centre {
                        var mean = 0.0
                        for j in 0..<d { mean += Double(row[j]) }
                        mean /= Double(max(d, 1))
                        for j in 0..<d { row[j] = Float(Double(row[j]) - mean) }
                    }
                    var norm = 0.0
                    for j in 0..<d { norm += Double(row[j]) * Double(row[j]) }
                    if norm > 0 {
                        let s = Float(1 / norm.squareRoot())
                        for j in 0..<d { row[j] *= s }
                    }
                }
            }
            values = v
            squaredEuclidean = true
        default:
            values = data.storage
            squaredEuclidean = false
        }
    }

    private init(n: Int, d: Int, values: [Float], squaredEuclidean: Bool, metric: Metric) {
        self.n = n
        self.d = d
        self.values = values
        self.squaredEuclidean = squaredEuclidean
        self.metric = metric
    }

    /// The rows `order[0]`, `order[1]`, … (a permutation or any selection of row indices).
    func selectingRows(_ order: [Int32]) -> ReducedDistanceRows {
        var v = [Float](repeating: 0, count: order.count * d)
        let d = self.d
        values.withUnsafeBufferPointer { src in
            v.withUnsafeMutableBufferPointer { dst in
                let s = src.baseAddress!, t = dst.baseAddress!
                Parallel.forEachChunk(count: order.count, chunkSize: 4096) { _, range in
                    for r in range { (t + r * d).update(from: s + Int(order[r]) * d, count: d) }
                }
            }
        }
        return ReducedDistanceRows(n: order.count, d: d, values: v, squaredEuclidean: squaredEuclidean, metric: metric)
    }

    /// Reduced distance between rows a and b of `values` (pointers into it).
    @inlinable
    func reduced(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>) -> Float {
        squaredEuclidean ? MetricKernels.squaredEuclidean(a, b, d) : metric.distance(a, b, d)
    }
}

/// Sorts each row of an n × k neighbour list by (true distance, index) after
/// recomputing true distances in `metric` on the original data.
func finishRows(data: Matrix, metric: Metric, n: Int, k: Int, reducedIsSquaredEuclidean: Bool,
                indices: inout [Int32], distances: inout [Float]) {
    let d = data.cols
    data.storage.withUnsafeBufferPointer { xb in
        indices.withUnsafeMutableBufferPointer { ib in
            distances.withUnsafeMutableBufferPointer { db in
                let x = xb.baseAddress!, ip = ib.baseAddress!, dp = db.baseAddress!
                Parallel.forEachChunk(count: n, chunkSize: Parallel.chunkSize(for: n, minimum: 64)) { _, range in
                    var pairs: [(Float, Int32)] = []
                    pairs.reserveCapacity(k)
                    for i in range {
                        pairs.removeAll(keepingCapacity: true)
                        for j in 0..<k {
                            let u = ip[i * k + j]
                            if u < 0 { pairs.append((.infinity, u)); continue }
                            let dist: Float
                            if metric == .euclidean && reducedIsSquaredEuclidean {
                                dist = max(0, dp[i * k + j]).squareRoot()
                            } else {
                                dist = metric.distance(x + i * d, x + Int(u) * d, d)
                            }
                            pairs.append((dist, u))
                        }
                        pairs.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                        for j in 0..<k { ip[i * k + j] = pairs[j].1; dp[i * k + j] = pairs[j].0 }
                    }
                }
            }
        }
    }
}
