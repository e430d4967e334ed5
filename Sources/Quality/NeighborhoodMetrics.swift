import Linalg

/// A metric value with how it was obtained.
public struct MetricEstimate: Codable, Equatable, Sendable {
    /// The value (exact, or the estimate from sampled queries).
    public var value: Double
    /// Standard error of an estimate from sampled queries (with the finite-population
    /// correction, so it is 0 when every point is a query); nil for exact values.
    public var standardError: Double?
    /// Number of query points used.
    public var queries: Int
    /// Number of points in the data set.
    public var points: Int

    public init(value: Double, standardError: Double?, queries: Int, points: Int) {
        self.value = value; self.standardError = standardError; self.queries = queries; self.points = points
    }
}

/// Which points act as queries for a neighbourhood metric.
public enum QuerySelection: Equatable, Sendable {
    /// Every point: the exact metric.
    case all
    /// `count` distinct points drawn with `RandomStream(seed:, purpose: "quality.queries")`;
    /// each is still ranked against the full data set, so the result estimates the full-data metric.
    case sample(count: Int, seed: UInt64)
}

/// Trustworthiness, continuity and kNN preservation, computed together from one
/// pass over the query points.
///
/// Definitions (n points, neighbourhood size k, r(i, j) the 1-based rank of j
/// among the other points by distance from i; ties by lower index):
/// - Trustworthiness (scikit-learn's `trustworthiness`, Venna & Kaski):
///   T(k) = 1 − 2 / (n k (2n − 3k − 1)) · Σᵢ Σ_{j ∈ Uₖ(i)} max(0, r_X(i, j) − k),
///   Uₖ(i) the k nearest neighbours of i in the embedding, r_X ranks in the input.
/// - Continuity: the same with the roles of input and embedding exchanged.
/// - kNN preservation: mean over points of |Nₖ^X(i) ∩ Nₖ^Y(i)| / k.
///
/// Estimator from m sampled queries: since the exact sum is n times the mean
/// per-point penalty, T̂(k) = 1 − 2 / (k (2n − 3k − 1)) · (1/m) Σ_{q} penalty(q)
/// (the exact formula with Σᵢ replaced by (n/m) Σ_q); with m = n it is exactly T(k).
/// Its standard error is 2 / (k (2n − 3k − 1)) · s / √m · √(1 − m/n), s the sample
/// standard deviation of the per-query penalties.
public enum NeighborhoodMetrics {
    /// Results keyed by neighbourhood size.
    public struct Result: Equatable, Sendable {
        public var trustworthiness: [Int: MetricEstimate] = [:]
        public var continuity: [Int: MetricEstimate] = [:]
        public var preservation: [Int: MetricEstimate] = [:]
    }

    /// Queries processed together (one BLAS block); fixed, so results never depend on threads.
    static let queryBlock = 32

    /// Computes the requested metrics for every k listed.
    /// - Parameters:
    ///   - data: n × d input points. - embedding: n × c embedded points (same order).
    ///   - trustworthiness, continuity: neighbourhood sizes, each with 1 ≤ k < n/2.
    ///   - preservation: neighbourhood sizes with 1 ≤ k < n.
    public static func compute(data: Matrix, embedding: Matrix,
                               trustworthiness tks: [Int] = [], continuity cks: [Int] = [],
                               preservation pks: [Int] = [], queries: QuerySelection = .all) throws -> Result {
        let n = data.rows
        try validate(data: data, embedding: embedding)
        for k in tks + cks where k < 1 || 2 * k >= n {
            throw QualityError.invalidNeighborCount(k: k, n: n, requirement: "trustworthiness and continuity need 1 ≤ k < n/2")
        }
        for k in pks where k < 1 || k >= n {
            throw QualityError.invalidNeighborCount(k: k, n: n, requirement: "kNN preservation needs 1 ≤ k < n")
        }
        let queryIndices = try selectQueries(queries, n: n)
        let sizes = NeighborhoodSizes(trustworthiness: tks, continuity: cks, preservation: pks)
        let perQuery = measurePerQuery(data: data, embedding: embedding, queries: queryIndices, sizes: sizes)
        return estimates(perQuery, sizes: sizes, queries: queryIndices.count, n: n)
    }

    /// The distinct neighbourhood sizes asked for, ascending, and how far each space must be searched.
    struct NeighborhoodSizes {
        let trustworthiness: [Int], continuity: [Int], preservation: [Int]
        /// Neighbours needed in the embedding and in the input.
        var embeddingNeighbors: Int { max(trustworthiness.last ?? 0, preservation.last ?? 0) }
        var inputNeighbors: Int { max(continuity.last ?? 0, preservation.last ?? 0) }

        init(trustworthiness tks: [Int], continuity cks: [Int], preservation pks: [Int]) {
            trustworthiness = Array(Set(tks)).sorted()
            continuity = Array(Set(cks)).sorted()
            preservation = Array(Set(pks)).sorted()
        }
    }

    /// Per-query values: rank penalties for each trustworthiness and continuity size and the
    /// kept fraction for each preservation size, each list `size index × m` long.
    struct PerQuery {
        var trustworthiness: [Double], continuity: [Double], preservation: [Double]
    }

    /// The query points, ascending: all points, or a seeded sample.
    static func selectQueries(_ queries: QuerySelection, n: Int) throws -> [Int] {
        switch queries {
        case .all: return Array(0..<n)
        case let .sample(count, seed):
            guard count >= 1 else { throw QualityError.invalidArgument("query count must be at least 1, got \(count)") }
            if count >= n { return Array(0..<n) }
            var rng = RandomStream(seed: seed, purpose: "quality.queries")
            return rng.sample(count, from: n).sorted()
        }
    }

    /// One pass over the queries, in blocks of `queryBlock` (one BLAS product per block and space):
    /// each query's neighbours in one space are ranked in the other.
    static func measurePerQuery(data: Matrix, embedding: Matrix, queries queryIndices: [Int],
                                sizes: NeighborhoodSizes) -> PerQuery {
        let m = queryIndices.count
        let tks = sizes.trustworthiness, cks = sizes.continuity, pks = sizes.preservation
        let kY = sizes.embeddingNeighbors, kX = sizes.inputNeighbors
        let kT = tks.last ?? 0, kC = cks.last ?? 0
        var tPen = [Double](repeating: 0, count: tks.count * m)
        var cPen = [Double](repeating: 0, count: cks.count * m)
        var kept = [Double](repeating: 0, count: pks.count * m)
        let spaceX = DistanceSpace(data), spaceY = DistanceSpace(embedding)
        let needX = kX > 0 || kT > 0, needY = kY > 0 || kC > 0

        data.storage.withUnsafeBufferPointer { xb in
        embedding.storage.withUnsafeBufferPointer { yb in
        spaceX.norms.withUnsafeBufferPointer { nxb in
        spaceY.norms.withUnsafeBufferPointer { nyb in
        tPen.withUnsafeMutableBufferPointer { tOut in
        cPen.withUnsafeMutableBufferPointer { cOut in
        kept.withUnsafeMutableBufferPointer { pOut in
            let px = xb.baseAddress!, py = yb.baseAddress!
            let (tO, cO, pO) = (tOut.baseAddress, cOut.baseAddress, pOut.baseAddress)
            Parallel.forEachChunk(count: m, chunkSize: queryBlock) { _, range in
                let block = queryIndices[range]
                let rowsX = RowBlock(space: spaceX, enabled: needX, queries: block.count)
                let rowsY = RowBlock(space: spaceY, enabled: needY, queries: block.count)
                defer { rowsX.release(); rowsY.release() }
                rowsX.fill(px, block)
                rowsY.fill(py, block)
                for (r, q) in range.enumerated() {
                    let i = queryIndices[q]
                    let rowX = QueryRow(space: spaceX, x: px, query: i, approx: rowsX.row(r), norms: nxb.baseAddress!)
                    let rowY = QueryRow(space: spaceY, x: py, query: i, approx: rowsY.row(r), norms: nyb.baseAddress!)
                    let nY = kY > 0 ? rowY.nearest(kY) : []
                    let nX = kX > 0 ? rowX.nearest(kX) : []
                    if kT > 0 {
                        let ranks = rowX.ranks(of: Array(nY.prefix(kT)))
                        for (a, k) in tks.enumerated() { tO![a * m + q] = rankPenalty(ranks, k: k) }
                    }
                    if kC > 0 {
                        let ranks = rowY.ranks(of: Array(nX.prefix(kC)))
                        for (a, k) in cks.enumerated() { cO![a * m + q] = rankPenalty(ranks, k: k) }
                    }
                    for (a, k) in pks.enumerated() {
                        let setX = Set(nX.prefix(k))
                        var c = 0
                        for j in nY.prefix(k) where setX.contains(j) { c += 1 }
                        pO![a * m + q] = Double(c) / Double(k)
                    }
                }
            }
        }}}}}}}
        return PerQuery(trustworthiness: tPen, continuity: cPen, preservation: kept)
    }

    /// Σ over the first k neighbours of max(0, rank − k): one query's trustworthiness penalty.
    @inline(__always)
    static func rankPenalty(_ ranks: [Int], k: Int) -> Double {
        var p = 0
        for t in 0..<k where ranks[t] > k { p += ranks[t] - k }
        return Double(p)
    }

    /// The metrics from the per-query values (with standard errors when the queries are a sample).
    static func estimates(_ perQuery: PerQuery, sizes: NeighborhoodSizes, queries m: Int, n: Int) -> Result {
        let sampled = m < n
        var result = Result()
        for (a, k) in sizes.trustworthiness.enumerated() {
            result.trustworthiness[k] = rankEstimate(Array(perQuery.trustworthiness[a * m ..< (a + 1) * m]), n: n, k: k, sampled: sampled)
        }
        for (a, k) in sizes.continuity.enumerated() {
            result.continuity[k] = rankEstimate(Array(perQuery.continuity[a * m ..< (a + 1) * m]), n: n, k: k, sampled: sampled)
        }
        for (a, k) in sizes.preservation.enumerated() {
            let (mean, se) = Statistics.meanAndStandardError(Array(perQuery.preservation[a * m ..< (a + 1) * m]), population: n)
            result.preservation[k] = MetricEstimate(value: mean, standardError: sampled ? se : nil, queries: m, points: n)
        }
        return result
    }

    /// Exact trustworthiness T(k) (scikit-learn's formula).
    public static func trustworthiness(data: Matrix, embedding: Matrix, k: Int) throws -> Double {
        let r = try compute(data: data, embedding: embedding, trustworthiness: [k])
        return r.trustworthiness[k]?.value ?? .nan
    }

    /// Exact continuity C(k) (Venna & Kaski).
    public static func continuity(data: Matrix, embedding: Matrix, k: Int) throws -> Double {
        let r = try compute(data: data, embedding: embedding, continuity: [k])
        return r.continuity[k]?.value ?? .nan
    }

    static func validate(data: Matrix, embedding: Matrix) throws {
        guard data.rows == embedding.rows else {
            throw QualityError.rowCountMismatch(data: data.rows, embedding: embedding.rows)
        }
        guard data.rows >= 2 else { throw QualityError.tooFewPoints("need at least 2 points, got \(data.rows)") }
        if let bad = data.firstNonFinite() { throw QualityError.nonFinite(matrix: "data", row: bad.row, col: bad.col) }
        if let bad = embedding.firstNonFinite() {
            throw QualityError.nonFinite(matrix: "embedding", row: bad.row, col: bad.col)
        }
        guard data.cols > 0, embedding.cols > 0 else {
            throw QualityError.invalidArgument("data and embedding need at least one column")
        }
    }

    /// 1 − 2/(k(2n−3k−1)) · mean penalty, with its standard error when sampled.
    static func rankEstimate(_ penalties: [Double], n: Int, k: Int, sampled: Bool) -> MetricEstimate {
        let scale = 2.0 / (Double(k) * (2.0 * Double(n) - 3.0 * Double(k) - 1.0))
        let (mean, se) = Statistics.meanAndStandardError(penalties, population: n)
        return MetricEstimate(value: 1.0 - scale * mean, standardError: sampled ? scale * se : nil,
                              queries: penalties.count, points: n)
    }
}

/// Scratch rows for a block of queries in one space (only allocated for BLAS spaces).
struct RowBlock {
    let space: DistanceSpace
    let buffer: UnsafeMutablePointer<Float>?
    let gather: UnsafeMutablePointer<Float>?

    init(space: DistanceSpace, enabled: Bool, queries: Int) {
        self.space = space
        if enabled && space.usesBLAS {
            buffer = .allocate(capacity: max(1, queries * space.n))
            gather = .allocate(capacity: max(1, queries * space.d))
        } else {
            buffer = nil; gather = nil
        }
    }

    func fill(_ x: UnsafePointer<Float>, _ queries: ArraySlice<Int>) {
        guard let b = buffer, let g = gather else { return }
        space.approximateRows(x, queries: queries, into: b, gather: g)
    }

    func row(_ r: Int) -> UnsafePointer<Float>? {
        buffer.map { UnsafePointer($0 + r * space.n) }
    }

    func release() { buffer?.deallocate(); gather?.deallocate() }
}
