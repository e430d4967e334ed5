import Foundation
import Linalg

/// Sweeps Gaussian mixtures over cluster counts and covariance types and picks a model.
///
/// For every (k, covariance type) a mixture is fitted (`GaussianMixture`, k-means
/// initialisation, `nInit` runs) and scored by BIC, AIC, mean log-likelihood, the
/// silhouette of its hard assignment and, when labels are given, ARI and AMI against them.
///
/// Choice (documented rule):
/// 1. per covariance type, the BIC **elbow**: on the BIC-versus-k curve up to its
///    minimum, the k farthest below the straight line from the first point to the
///    minimum (the "kneedle" construction with that chord; the minimum itself when
///    the curve has no bend, the first k when BIC only rises);
/// 2. the covariance type whose minimum BIC is lowest;
/// 3. chosen model = that type at its BIC minimum when the minimum lies inside the
///    swept range (BIC has spoken), else (BIC still falling at the largest k) at its
///    elbow k. The BIC minimum and the silhouette maximum are reported beside it.
public enum ModelSelection {
    /// Version of the sweep's and the Gaussian mixtures' arithmetic. Bump it in the same change as
    /// anything that may alter a clustering report, so that stored reports are recomputed.
    public static let implementationVersion = 2

    /// Sweeps all settings; settings run in parallel (each is deterministic, so the report is too).
    /// - Parameters:
    ///   - ks: cluster counts (each 1 ≤ k ≤ n). - covarianceTypes: types to try.
    ///   - silhouetteSample: silhouette is computed on this many seeded points when n is larger.
    public static func sweep(data: Matrix, ks: [Int], covarianceTypes: [CovarianceType], nInit: Int = 1,
                             seed: UInt64, labels: [Int]? = nil, silhouetteSample: Int = 5_000) throws -> SelectionReport {
        let n = data.rows
        let ks = Array(Set(ks)).sorted()
        var types: [CovarianceType] = []
        for t in covarianceTypes where !types.contains(t) { types.append(t) }
        guard !ks.isEmpty, !types.isEmpty else { throw ClusteringError.invalidArgument("give at least one k and one covariance type") }
        for k in ks where k < 1 { throw ClusteringError.invalidClusterCount(k) }
        if let k = ks.last, k > n { throw ClusteringError.tooManyClusters(k: k, n: n) }
        if let labels, labels.count != n { throw ClusteringError.labelCountMismatch(labels: labels.count, points: n) }
        if let bad = data.firstNonFinite() { throw ClusteringError.nonFinite(row: bad.row, col: bad.col) }

        let settings = types.flatMap { t in ks.map { (t, $0) } }
        let outcomes: [Result<SelectionEntry, Error>] = Parallel.mapChunks(count: settings.count, chunkSize: 1) { index, _ in
            let (type, k) = settings[index]
            return Result {
                let options = GaussianMixture.Options(components: k, covarianceType: type, nInit: nInit)
                let settingSeed = RandomStream.derive(seed: seed, purpose: "clustering.selection.\(type.rawValue)", index: UInt64(k))
                let model = try GaussianMixture.fit(data, options: options, seed: settingSeed)
                let score = try model.score(data)
                let assigned = try model.predict(data)
                let clusters = Set(assigned).count
                var silhouette: Double?
                if clusters >= 2 && clusters <= n - 1 {
                    silhouette = try Silhouette.sampledScore(data, labels: assigned, sampleSize: silhouetteSample, seed: seed)
                }
                var ari: Double?, ami: Double?
                if let labels {
                    ari = try ClusterAgreement.adjustedRandIndex(labels, assigned)
                    ami = try ClusterAgreement.adjustedMutualInformation(labels, assigned)
                }
                return SelectionEntry(k: k, covarianceType: type, bic: try model.bic(data), aic: try model.aic(data),
                                      logLikelihood: score, parameters: model.parameterCount, silhouette: silhouette,
                                      adjustedRandIndex: ari, adjustedMutualInformation: ami,
                                      converged: model.converged, iterations: model.iterations, notes: model.notes)
            }
        }
        let entries = try outcomes.map { try $0.get() }
        return SelectionReport(entries: entries)
    }

    /// The elbow of a curve given as (k, BIC) points sorted by k (see the type's documentation).
    public static func elbow(_ points: [(k: Int, bic: Double)]) -> Int? {
        guard let first = points.first else { return nil }
        var minIndex = 0
        for (i, p) in points.enumerated() where p.bic < points[minIndex].bic { minIndex = i }
        if minIndex < 2 { return points[minIndex].k }
        let last = points[minIndex]
        let dx = Double(last.k - first.k), dy = last.bic - first.bic
        var best = minIndex, bestGap = 0.0
        for i in 1..<minIndex {
            let p = points[i]
            let chord = first.bic + dy * Double(p.k - first.k) / dx
            let gap = (chord - p.bic) / max(abs(dy), 1e-300)
            if gap > bestGap { bestGap = gap; best = i }
        }
        return points[best].k
    }
}

/// One fitted setting of a model-selection sweep.
public struct SelectionEntry: Codable, Equatable, Sendable {
    public var k: Int
    public var covarianceType: CovarianceType
    public var bic: Double
    public var aic: Double
    /// Mean per-sample log-likelihood.
    public var logLikelihood: Double
    public var parameters: Int
    /// Silhouette of the hard assignment (nil when it has fewer than 2 clusters).
    public var silhouette: Double?
    /// Agreement with the given labels.
    public var adjustedRandIndex: Double?
    public var adjustedMutualInformation: Double?
    public var converged: Bool
    public var iterations: Int
    public var notes: [String]
}

/// A setting picked out of a sweep, with why.
public struct SelectedSetting: Codable, Equatable, Sendable {
    public var k: Int
    public var covarianceType: CovarianceType
    public var reason: String
}

/// Everything a sweep measured and what it chose.
public struct SelectionReport: Codable, Equatable, Sendable {
    public var entries: [SelectionEntry]
    /// BIC elbow k per covariance type (raw value → k).
    public var bicElbows: [String: Int]
    /// Lowest BIC over all settings.
    public var bicMinimum: SelectedSetting?
    /// Highest silhouette over all settings.
    public var silhouetteMaximum: SelectedSetting?
    /// The chosen model (see `ModelSelection`).
    public var chosen: SelectedSetting?
    /// How the elbow and the choice are defined.
    public var method: String

    public init(entries: [SelectionEntry]) {
        self.entries = entries
        method = ModelSelection.methodDescription
        bicElbows = [:]
        choose()
    }
}

extension ModelSelection {
    /// How the elbow and the choice are defined (also printed in reports).
    public static let methodDescription = "elbow: on each covariance type's BIC-vs-k curve up to its minimum, the k farthest below the chord from the first point to the minimum (kneedle). chosen: the covariance type with the lowest minimum BIC; if that minimum lies below the largest k swept, its k (BIC has a true minimum); if BIC is still falling at the largest k, the elbow k of that type's curve"
}

extension SelectionReport {
    mutating func choose() {
        var elbows: [String: Int] = [:]
        var bestTypeMin: (CovarianceType, Double)?
        var types: [CovarianceType] = []
        for e in entries where !types.contains(e.covarianceType) { types.append(e.covarianceType) }
        for t in types {
            let curve = entries.filter { $0.covarianceType == t && $0.bic.isFinite }.sorted { $0.k < $1.k }.map { (k: $0.k, bic: $0.bic) }
            if let k = ModelSelection.elbow(curve) { elbows[t.rawValue] = k }
            if let m = curve.map(\.bic).min(), m < (bestTypeMin?.1 ?? .infinity) { bestTypeMin = (t, m) }
        }
        bicElbows = elbows
        if let b = entries.filter({ $0.bic.isFinite }).min(by: { $0.bic < $1.bic }) {
            bicMinimum = SelectedSetting(k: b.k, covarianceType: b.covarianceType, reason: "lowest BIC (\(b.bic))")
        }
        if let s = entries.filter({ $0.silhouette != nil }).max(by: { ($0.silhouette ?? -2) < ($1.silhouette ?? -2) }) {
            silhouetteMaximum = SelectedSetting(k: s.k, covarianceType: s.covarianceType,
                                                reason: "highest silhouette (\(s.silhouette ?? .nan))")
        }
        if let (t, m) = bestTypeMin {
            let curve = entries.filter { $0.covarianceType == t && $0.bic.isFinite }.sorted { $0.k < $1.k }
            if let atMin = curve.first(where: { $0.bic == m }), let largest = curve.last?.k {
                if atMin.k < largest {
                    chosen = SelectedSetting(k: atMin.k, covarianceType: t,
                                             reason: "\(t.rawValue) has the lowest BIC (\(m)), a true minimum at k = \(atMin.k) < \(largest)")
                } else if let k = elbows[t.rawValue] {
                    chosen = SelectedSetting(k: k, covarianceType: t,
                                             reason: "\(t.rawValue) has the lowest BIC but it still falls at the largest k swept; chose its BIC elbow k = \(k)")
                }
            }
        }
    }
}
