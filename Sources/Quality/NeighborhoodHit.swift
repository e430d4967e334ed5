import Linalg

/// Neighbourhood hit (Paulovich et al. 2008; ZADU's `neighborhood_hit`): the mean over points
/// of the fraction of their k nearest neighbours in the embedding (the point itself excluded;
/// ties by lower index) that share their class label.
///
/// Estimator for large n: `queries` points drawn with `RandomStream(seed:, purpose:
/// "quality.queries")` (the same queries as trustworthiness), each against all n points; the
/// value is the mean of the queries' hit fractions, its standard error the sample standard
/// deviation over √m with the finite-population correction √(1 − m/n) (0 when every point is
/// a query). Queries are processed in fixed blocks, so results do not depend on threads.
public enum NeighborhoodHit {
    /// - Parameters:
    ///   - embedding: n × c points; `labels`: n class labels.
    ///   - ks: neighbourhood sizes, each 1 ≤ k < n.
    ///   - queries: `.all` (exact) or `.sample(count:seed:)`.
    /// - Returns: one estimate per k.
    public static func compute(embedding: Matrix, labels: [Int], ks: [Int],
                               queries: QuerySelection = .all) throws -> [Int: MetricEstimate] {
        let n = embedding.rows
        guard labels.count == n else { throw QualityError.labelCountMismatch(labels: labels.count, points: n) }
        guard n >= 2 else { throw QualityError.tooFewPoints("neighbourhood hit needs at least 2 points, got \(n)") }
        if let bad = embedding.firstNonFinite() { throw QualityError.nonFinite(matrix: "embedding", row: bad.row, col: bad.col) }
        for k in ks where k < 1 || k >= n {
            throw QualityError.invalidNeighborCount(k: k, n: n, requirement: "neighbourhood hit needs 1 ≤ k < n")
        }
        let sizes = Array(Set(ks)).sorted()
        guard let kMax = sizes.last else { return [:] }
        let queryIndices = try NeighborhoodMetrics.selectQueries(queries, n: n)
        let m = queryIndices.count
        var hits = [Double](repeating: 0, count: sizes.count * m)
        let space = DistanceSpace(embedding)
        embedding.storage.withUnsafeBufferPointer { yb in
        space.norms.withUnsafeBufferPointer { nb in
        hits.withUnsafeMutableBufferPointer { hb in
            let py = yb.baseAddress!, out = hb.baseAddress!
            Parallel.forEachChunk(count: m, chunkSize: NeighborhoodMetrics.queryBlock) { _, range in
                let block = queryIndices[range]
                let rows = RowBlock(space: space, enabled: true, queries: block.count)
                defer { rows.release() }
                rows.fill(py, block)
                for (r, q) in range.enumerated() {
                    let i = queryIndices[q]
                    let row = QueryRow(space: space, x: py, query: i, approx: rows.row(r), norms: nb.baseAddress!)
                    let neighbours = row.nearest(kMax)
                    for (a, k) in sizes.enumerated() {
                        var same = 0
                        for j in neighbours.prefix(k) where labels[j] == labels[i] { same += 1 }
                        out[a * m + q] = Double(same) / Double(k)
                    }
                }
            }
        }}}
        var result: [Int: MetricEstimate] = [:]
        for (a, k) in sizes.enumerated() {
            let (mean, se) = Statistics.meanAndStandardError(Array(hits[a * m ..< (a + 1) * m]), population: n)
            result[k] = MetricEstimate(value: mean, standardError: m < n ? se : nil, queries: m, points: n)
        }
        return result
    }
}
