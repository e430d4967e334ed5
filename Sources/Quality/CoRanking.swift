import Linalg

/// Summaries of the co-ranking matrix (Lee & Verleysen 2009; Lee, Peluffo-Ordóñez & Verleysen
/// 2015): Q_NX(K) and the area under R_NX(K) on a logarithmic K scale.
///
/// With n points, ρ_ij and r_ij the 1-based ranks of j among the other points by distance
/// from i in the input and in the embedding (ties by lower index), and q_kl the co-ranking
/// matrix (how many pairs have ρ = k and r = l):
/// - Q_NX(K) = 1/(K n) Σ_{k,l ≤ K} q_kl, the mean fraction of each point's K input neighbours
///   that are also among its K embedding neighbours (pyDRMetrics' `QNN`; equal to
///   `knn-preservation@K`);
/// - R_NX(K) = ((n − 1) Q_NX(K) − K) / (n − 1 − K), Q_NX rescaled so a random embedding scores 0;
/// - AUC = Σ_{K=1}^{n−2} R_NX(K)/K / Σ_{K=1}^{n−2} 1/K (every scale weighted by 1/K, so small
///   neighbourhoods count as much as large ones).
///
/// Estimator for large n: both summaries are means over points of a per-point value (point
/// i's overlap fractions), so `queries` sampled points (`QuerySelection`), each ranked against
/// all n, give unbiased estimates, with the sample standard deviation over √m times the
/// finite-population correction √(1 − m/n) as standard error. Each query costs two full
/// distance rows and two sorts, O(n (d + c + log n)). Queries run in fixed blocks, so results
/// do not depend on the thread count.
public enum CoRanking {
    public struct Result: Equatable, Sendable {
        /// Q_NX(K) for each K asked for.
        public var qnx: [Int: MetricEstimate] = [:]
        /// AUC of R_NX on the log-K scale (nil when not asked for).
        public var rnxAUC: MetricEstimate?
    }

    /// Queries per parallel chunk.
    static let queryBlock = 8

    /// - Parameters:
    ///   - data: n × d; embedding: n × c (same points); ks: sizes for Q_NX, each 1 ≤ K < n − 1.
    ///   - auc: whether to compute the AUC of R_NX (needs n ≥ 3).
    ///   - queries: `.all` (exact) or `.sample(count:seed:)`.
    public static func compute(data: Matrix, embedding: Matrix, ks: [Int], auc: Bool,
                               queries: QuerySelection = .all) throws -> Result {
        try NeighborhoodMetrics.validate(data: data, embedding: embedding)
        let n = data.rows
        guard n >= 3 else { throw QualityError.tooFewPoints("co-ranking needs at least 3 points, got \(n)") }
        for k in ks where k < 1 || k >= n - 1 {
            throw QualityError.invalidNeighborCount(k: k, n: n, requirement: "Q_NX needs 1 ≤ K < n − 1")
        }
        let sizes = Array(Set(ks)).sorted()
        let queryIndices = try NeighborhoodMetrics.selectQueries(queries, n: n)
        let m = queryIndices.count
        let width = sizes.count + 1
        var perQuery = [Double](repeating: 0, count: width * m)
        // AUC weights: Σ_{K=1}^{n−2} 1/K.
        var harmonic = 0.0
        for K in 1...(n - 2) { harmonic += 1.0 / Double(K) }
        perQuery.withUnsafeMutableBufferPointer { ob in
            let out = ob.baseAddress!
            Parallel.forEachChunk(count: m, chunkSize: queryBlock) { _, range in
                var overlap = [Int](repeating: 0, count: n)
                for q in range {
                    let i = queryIndices[q]
                    let rankX = ranks(data, from: i), rankY = ranks(embedding, from: i)
                    // overlap[K]: points j with max(ρ_ij, r_ij) = K; prefix sums give |N_K^X ∩ N_K^Y|.
                    for K in 0..<n { overlap[K] = 0 }
                    for j in 0..<n where j != i { overlap[max(rankX[j], rankY[j])] += 1 }
                    var cumulative = 0
                    var next = 0
                    var aucSum = 0.0
                    for K in 1..<(n - 1) {
                        cumulative += overlap[K]
                        let qK = Double(cumulative) / Double(K)
                        if next < sizes.count && sizes[next] == K { out[next * m + q] = qK; next += 1 }
                        if auc {
                            let rK = (Double(n - 1) * qK - Double(K)) / Double(n - 1 - K)
                            aucSum += rK / Double(K)
                        }
                    }
                    out[sizes.count * m + q] = aucSum / harmonic
                }
            }
        }
        var result = Result()
        for (a, k) in sizes.enumerated() {
            result.qnx[k] = estimate(Array(perQuery[a * m ..< (a + 1) * m]), n: n)
        }
        if auc { result.rnxAUC = estimate(Array(perQuery[sizes.count * m ..< width * m]), n: n) }
        return result
    }

    static func estimate(_ values: [Double], n: Int) -> MetricEstimate {
        let (mean, se) = Statistics.meanAndStandardError(values, population: n)
        return MetricEstimate(value: mean, standardError: values.count < n ? se : nil, queries: values.count, points: n)
    }

    /// 1-based ranks of every point by exact (Double) Euclidean distance from point i, ties by lower
    /// index; i itself gets rank 0.
    static func ranks(_ m: Matrix, from i: Int) -> [Int] {
        let n = m.rows, d = m.cols
        var dist = [Double](repeating: 0, count: n)
        m.storage.withUnsafeBufferPointer { x in
            let a = x.baseAddress! + i * d
            for j in 0..<n {
                let b = x.baseAddress! + j * d
                var s = 0.0
                for t in 0..<d { let v = Double(a[t]) - Double(b[t]); s += v * v }
                dist[j] = s
            }
        }
        var order = Array(0..<n)
        order.removeAll { $0 == i }
        order.sort { dist[$0] < dist[$1] || (dist[$0] == dist[$1] && $0 < $1) }
        var rank = [Int](repeating: 0, count: n)
        for (p, j) in order.enumerated() { rank[j] = p + 1 }
        return rank
    }
}
