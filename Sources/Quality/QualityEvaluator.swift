import Clustering
import Linalg

/// How `QualityEvaluator` trades exactness for time on large inputs.
public struct EvaluationOptions: Codable, Equatable, Sendable {
    /// Up to this many points, neighbourhood metrics use every point as a query (exact);
    /// above it they are estimated from `queries` sampled points (default 20 000).
    public var exactLimit: Int
    /// Sampled query points for large n (default 1 000).
    public var queries: Int
    /// Points sampled for `distance-correlation` (default 1 000; all pairs among them).
    public var distanceSample: Int
    /// Above this many points `silhouette` is computed on a seeded sample of this size (default 10 000).
    public var silhouetteSample: Int
    /// Folds for `knn-accuracy-cv` (default 10, the UMAP paper's protocol).
    public var folds: Int
    /// Up to this many points the stresses and `shepard-correlation` use every pair (default 1 000).
    public var pairExactLimit: Int
    /// Pairs sampled above `pairExactLimit` (default 100 000).
    public var pairs: Int
    /// Up to this many points `triplet-accuracy` uses every triplet (default 200).
    public var tripletExactLimit: Int
    /// Triplets sampled above `tripletExactLimit` (default 100 000).
    public var triplets: Int
    /// Up to this many points `qnx@k` and `rnx-auc` rank from every point (default 2 000); above it
    /// from `queries` sampled points (each query ranks all n points twice).
    public var coRankingExactLimit: Int

    public init(exactLimit: Int = 20_000, queries: Int = 1_000, distanceSample: Int = 1_000,
                silhouetteSample: Int = 10_000, folds: Int = 10, pairExactLimit: Int = 1_000, pairs: Int = 100_000,
                tripletExactLimit: Int = 200, triplets: Int = 100_000, coRankingExactLimit: Int = 2_000) {
        self.exactLimit = exactLimit; self.queries = queries; self.distanceSample = distanceSample
        self.silhouetteSample = silhouetteSample; self.folds = folds
        self.pairExactLimit = pairExactLimit; self.pairs = pairs
        self.tripletExactLimit = tripletExactLimit; self.triplets = triplets
        self.coRankingExactLimit = coRankingExactLimit
    }
}

/// One measured metric.
public struct MetricResult: Codable, Equatable, Sendable {
    /// Canonical metric name, e.g. `trustworthiness@15`.
    public var name: String
    public var value: Double
    /// Standard error when the value is an estimate (sampled queries, CV folds); nil when exact.
    public var standardError: Double?
    /// Wall-clock seconds spent (metrics computed in one shared pass report that pass's time).
    public var seconds: Double
    /// How the value was obtained.
    public var detail: String?

    public init(name: String, value: Double, standardError: Double?, seconds: Double, detail: String?) {
        self.name = name; self.value = value; self.standardError = standardError; self.seconds = seconds; self.detail = detail
    }
}

/// Evaluates a list of quality metrics of an embedding.
public enum QualityEvaluator {
    /// - Parameters:
    ///   - data: n × d input points; `embedding`: n × c (same point order).
    ///   - labels: one class label per point (needed by kNN accuracy and silhouette).
    ///   - seed: seeds every sample (queries, folds, distance pairs, silhouette sample).
    /// - Returns: one result per metric, in the order asked (duplicates removed).
    public static func evaluate(_ metrics: [QualityMetric], data: Matrix, embedding: Matrix, labels: [Int]?,
                                seed: UInt64, options: EvaluationOptions = EvaluationOptions()) throws -> [MetricResult] {
        try NeighborhoodMetrics.validate(data: data, embedding: embedding)
        let n = data.rows
        if let labels, labels.count != n { throw QualityError.labelCountMismatch(labels: labels.count, points: n) }
        var unique: [QualityMetric] = []
        for m in metrics where !unique.contains(m) { unique.append(m) }
        if labels == nil, let m = unique.first(where: { $0.needsLabels }) { throw QualityError.labelsRequired(metric: m.name) }
        var results: [QualityMetric: MetricResult] = [:]
        try addNeighborhoodMetrics(unique, data: data, embedding: embedding, seed: seed, options: options, into: &results)
        if let labels {
            try addAccuracies(unique, embedding: embedding, labels: labels, seed: seed, options: options, into: &results)
        }
        if unique.contains(.distanceCorrelation) {
            let start = Clock.wallSeconds()
            let rho = try DistanceCorrelation.spearman(data: data, embedding: embedding,
                                                       sampleSize: options.distanceSample, seed: seed)
            let s = min(n, options.distanceSample)
            results[.distanceCorrelation] = MetricResult(name: "distance-correlation", value: rho, standardError: nil,
                                                         seconds: Clock.wallSeconds() - start,
                                                         detail: "Spearman rho over all pairs of \(s) points")
        }
        if let labels, unique.contains(.silhouette) {
            results[.silhouette] = try silhouette(embedding, labels: labels, seed: seed, options: options)
        }
        try addPublishedMeasures(unique, data: data, embedding: embedding, labels: labels, seed: seed,
                                 options: options, into: &results)
        for case let .radiusCorrelation(k) in unique {
            let start = Clock.wallSeconds()
            let value = try RadiusCorrelation.compute(data: data, embedding: embedding, k: k, seed: seed)
            results[.radiusCorrelation(k: k)] = MetricResult(name: QualityMetric.radiusCorrelation(k: k).name, value: value,
                                                             standardError: nil, seconds: Clock.wallSeconds() - start,
                                                             detail: "Pearson correlation of the log local radii of all \(n) points")
        }
        return unique.compactMap { results[$0] }
    }

    /// The measures of the DR benchmarks (issue 18): stresses and Shepard correlation (one pair
    /// sample), neighbourhood hit, KNC, random-triplet accuracy, and the co-ranking summaries
    /// (one pass).
    static func addPublishedMeasures(_ metrics: [QualityMetric], data: Matrix, embedding: Matrix, labels: [Int]?,
                                     seed: UInt64, options: EvaluationOptions,
                                     into results: inout [QualityMetric: MetricResult]) throws {
        let n = data.rows
        func store(_ metric: QualityMetric, _ e: MetricEstimate, seconds: Double, detail: String) {
            results[metric] = MetricResult(name: metric.name, value: e.value, standardError: e.standardError,
                                           seconds: seconds, detail: detail)
        }
        let pairMetrics: [QualityMetric] = [.normalizedStress, .scaleNormalizedStress, .shepardCorrelation]
        if metrics.contains(where: pairMetrics.contains) {
            let start = Clock.wallSeconds()
            let r = try DistancePreservation.measure(data: data, embedding: embedding, exactLimit: options.pairExactLimit,
                                                     pairs: options.pairs, seed: seed)
            let seconds = Clock.wallSeconds() - start
            let how = n <= options.pairExactLimit ? "exact over all \(n * (n - 1) / 2) pairs"
                : "estimate from \(options.pairs) seeded uniform pairs of \(n) points; the three share one pair sample"
            if metrics.contains(.normalizedStress) { store(.normalizedStress, r.normalizedStress, seconds: seconds, detail: how) }
            if metrics.contains(.scaleNormalizedStress) {
                store(.scaleNormalizedStress, r.scaleNormalizedStress, seconds: seconds, detail: how)
            }
            if metrics.contains(.shepardCorrelation) { store(.shepardCorrelation, r.shepard, seconds: seconds, detail: how) }
        }
        let neighbourhoodQueries: QuerySelection = n <= options.exactLimit ? .all : .sample(count: options.queries, seed: seed)
        let hitKs = metrics.compactMap { m -> Int? in if case let .neighborhoodHit(k) = m { return k }; return nil }
        if let labels, !hitKs.isEmpty {
            let start = Clock.wallSeconds()
            let r = try NeighborhoodHit.compute(embedding: embedding, labels: labels, ks: hitKs, queries: neighbourhoodQueries)
            let seconds = Clock.wallSeconds() - start
            let how = n <= options.exactLimit ? "exact over all \(n) points"
                : "estimate from \(min(options.queries, n)) seeded query points against all \(n)"
            for k in hitKs { if let e = r[k] { store(.neighborhoodHit(k: k), e, seconds: seconds, detail: how) } }
        }
        if let labels {
            for case let .classMeanPreservation(k) in metrics {
                let start = Clock.wallSeconds()
                let value = try ClassMeanNeighbors.preservation(data: data, embedding: embedding, labels: labels, k: k)
                store(.classMeanPreservation(k: k), MetricEstimate(value: value, standardError: nil, queries: n, points: n),
                      seconds: Clock.wallSeconds() - start, detail: "exact: class means of all \(n) points")
            }
        }
        if metrics.contains(.tripletAccuracy) {
            let start = Clock.wallSeconds()
            let e = try TripletAccuracy.accuracy(data: data, embedding: embedding, exactLimit: options.tripletExactLimit,
                                                 count: options.triplets, seed: seed)
            let how = n <= options.tripletExactLimit ? "exact over all \(e.queries) triplets"
                : "estimate from \(options.triplets) seeded random triplets of \(n) points"
            store(.tripletAccuracy, e, seconds: Clock.wallSeconds() - start, detail: how)
        }
        let qnxKs = metrics.compactMap { m -> Int? in if case let .coRankingQNX(k) = m { return k }; return nil }
        let wantsAUC = metrics.contains(.coRankingRNXAUC)
        if !qnxKs.isEmpty || wantsAUC {
            let exact = n <= options.coRankingExactLimit
            let start = Clock.wallSeconds()
            let r = try CoRanking.compute(data: data, embedding: embedding, ks: qnxKs, auc: wantsAUC,
                                          queries: exact ? .all : .sample(count: options.queries, seed: seed))
            let seconds = Clock.wallSeconds() - start
            let how = exact ? "exact co-ranking of all \(n) points"
                : "estimate from \(min(options.queries, n)) seeded query points fully ranked against all \(n)"
            for k in qnxKs { if let e = r.qnx[k] { store(.coRankingQNX(k: k), e, seconds: seconds, detail: how) } }
            if let e = r.rnxAUC { store(.coRankingRNXAUC, e, seconds: seconds, detail: how) }
        }
    }

    /// Trustworthiness, continuity and kNN preservation: one shared pass over the queries
    /// (all points up to `options.exactLimit`, else a seeded sample).
    static func addNeighborhoodMetrics(_ metrics: [QualityMetric], data: Matrix, embedding: Matrix, seed: UInt64,
                                       options: EvaluationOptions, into results: inout [QualityMetric: MetricResult]) throws {
        var tks: [Int] = [], cks: [Int] = [], pks: [Int] = []
        for m in metrics {
            switch m {
            case let .trustworthiness(k): tks.append(k)
            case let .continuity(k): cks.append(k)
            case let .knnPreservation(k): pks.append(k)
            default: break
            }
        }
        guard !(tks + cks + pks).isEmpty else { return }
        let n = data.rows
        let exact = n <= options.exactLimit
        let selection: QuerySelection = exact ? .all : .sample(count: options.queries, seed: seed)
        let start = Clock.wallSeconds()
        let r = try NeighborhoodMetrics.compute(data: data, embedding: embedding, trustworthiness: tks,
                                                continuity: cks, preservation: pks, queries: selection)
        let seconds = Clock.wallSeconds() - start
        let how = exact ? "exact over all \(n) points" : "estimate from \(min(options.queries, n)) seeded query points ranked against all \(n)"
        func store(_ metric: QualityMetric, _ e: MetricEstimate?) {
            guard let e else { return }
            results[metric] = MetricResult(name: metric.name, value: e.value, standardError: e.standardError,
                                           seconds: seconds, detail: how + "; neighbourhood metrics share one pass")
        }
        for k in tks { store(.trustworthiness(k: k), r.trustworthiness[k]) }
        for k in cks { store(.continuity(k: k), r.continuity[k]) }
        for k in pks { store(.knnPreservation(k: k), r.preservation[k]) }
    }

    /// kNN-classifier accuracies: leave-one-out and stratified cross-validated.
    static func addAccuracies(_ metrics: [QualityMetric], embedding: Matrix, labels: [Int], seed: UInt64,
                              options: EvaluationOptions, into results: inout [QualityMetric: MetricResult]) throws {
        var looKs: [Int] = [], cvKs: [Int] = []
        for m in metrics {
            switch m {
            case let .knnAccuracy(k): looKs.append(k)
            case let .knnAccuracyCV(k): cvKs.append(k)
            default: break
            }
        }
        if !looKs.isEmpty {
            let start = Clock.wallSeconds()
            let acc = try KNNAccuracy.leaveOneOut(embedding: embedding, labels: labels, ks: looKs)
            let seconds = Clock.wallSeconds() - start
            for k in looKs {
                results[.knnAccuracy(k: k)] = MetricResult(name: QualityMetric.knnAccuracy(k: k).name, value: acc[k] ?? .nan,
                                                           standardError: nil, seconds: seconds,
                                                           detail: "leave-one-out over all \(embedding.rows) points")
            }
        }
        if !cvKs.isEmpty {
            let start = Clock.wallSeconds()
            let acc = try KNNAccuracy.crossValidated(embedding: embedding, labels: labels, ks: cvKs,
                                                     folds: options.folds, seed: seed)
            let seconds = Clock.wallSeconds() - start
            for k in cvKs {
                let e = acc[k]
                results[.knnAccuracyCV(k: k)] = MetricResult(name: QualityMetric.knnAccuracyCV(k: k).name, value: e?.value ?? .nan,
                                                             standardError: e?.standardError, seconds: seconds,
                                                             detail: "stratified \(options.folds)-fold mean accuracy; error over folds")
            }
        }
    }

    /// The silhouette of the labels in the embedding (exact, or on a seeded sample).
    static func silhouette(_ embedding: Matrix, labels: [Int], seed: UInt64, options: EvaluationOptions) throws -> MetricResult {
        let n = embedding.rows
        let start = Clock.wallSeconds()
        let value: Double
        do {
            value = try Silhouette.sampledScore(embedding, labels: labels, sampleSize: options.silhouetteSample, seed: seed)
        } catch let e as ClusteringError {
            throw QualityError.invalidArgument("silhouette: \(e)")
        }
        let how = n <= options.silhouetteSample ? "exact over all \(n) points" : "on \(options.silhouetteSample) seeded points"
        return MetricResult(name: "silhouette", value: value, standardError: nil,
                            seconds: Clock.wallSeconds() - start, detail: how + " of the labels in the embedding")
    }

    /// Evaluates the held-out metrics (`needsHeldOut`) of points placed by `transform`:
    /// `training` is the fitted embedding (n × c) with its labels, `heldOut` the transformed
    /// points (m × c) with theirs. Other metrics in the list are ignored.
    public static func evaluateHeldOut(_ metrics: [QualityMetric], training: Matrix, trainingLabels: [Int],
                                       heldOut: Matrix, heldOutLabels: [Int]) throws -> [MetricResult] {
        var ks: [Int] = []
        for case let .transformKNNAccuracy(k) in metrics where !ks.contains(k) { ks.append(k) }
        if ks.isEmpty { return [] }
        let start = Clock.wallSeconds()
        let acc = try KNNAccuracy.heldOut(training: training, trainingLabels: trainingLabels, heldOut: heldOut,
                                          heldOutLabels: heldOutLabels, ks: ks)
        let seconds = Clock.wallSeconds() - start
        return ks.map { k in
            MetricResult(name: QualityMetric.transformKNNAccuracy(k: k).name, value: acc[k] ?? .nan, standardError: nil,
                         seconds: seconds,
                         detail: "\(heldOut.rows) held-out points classified by their \(k) nearest of \(training.rows) training points")
        }
    }
}
