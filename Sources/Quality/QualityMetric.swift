import Foundation

/// A quality metric named in a spec or on the command line, e.g. `trustworthiness@15`.
///
/// Names (k after `@`; without it the default shown is used):
/// `trustworthiness@k` (15), `continuity@k` (15), `knn-preservation@k` (15),
/// `knn-accuracy@k` (10, leave-one-out), `knn-accuracy-cv@k` (10, stratified 10-fold),
/// `distance-correlation`, `silhouette` (of the labels, in the embedding),
/// `transform-knn-accuracy@k` (10; held-out points placed by `transform`, classified by
/// their k nearest training points in the embedding),
/// `normalized-stress`, `scale-normalized-stress`, `shepard-correlation` (`DistancePreservation`),
/// `neighborhood-hit@k` (10; `NeighborhoodHit`), `knc@k` (4 classes; `ClassMeanNeighbors`),
/// `triplet-accuracy` (`TripletAccuracy`), `qnx@k` (15) and `rnx-auc` (`CoRanking`),
/// `radius-correlation@k` (15; `RadiusCorrelation`, densMAP's local radii).
public enum QualityMetric: Hashable, Codable, Sendable, CustomStringConvertible {
    case trustworthiness(k: Int)
    case continuity(k: Int)
    case knnPreservation(k: Int)
    case knnAccuracy(k: Int)
    case knnAccuracyCV(k: Int)
    case distanceCorrelation
    case silhouette
    case transformKNNAccuracy(k: Int)
    case normalizedStress
    case scaleNormalizedStress
    case shepardCorrelation
    case neighborhoodHit(k: Int)
    case classMeanPreservation(k: Int)
    case tripletAccuracy
    case coRankingQNX(k: Int)
    case coRankingRNXAUC
    case radiusCorrelation(k: Int)

    /// Metric names accepted by `init(parsing:)`.
    public static let knownNames = [
        "trustworthiness@<k>", "continuity@<k>", "knn-preservation@<k>", "knn-accuracy@<k>",
        "knn-accuracy-cv@<k>", "distance-correlation", "silhouette", "transform-knn-accuracy@<k>",
        "normalized-stress", "scale-normalized-stress", "shepard-correlation", "neighborhood-hit@<k>", "knc@<k>",
        "triplet-accuracy", "qnx@<k>", "rnx-auc", "radius-correlation@<k>",
    ]

    /// Parses a name such as `trustworthiness@15`.
    /// - Throws: `QualityError.unknownMetric` (listing the known names) or
    ///   `QualityError.invalidNeighborCount` for a k that is not a positive integer.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = trimmed.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let base = parts[0]
        var k: Int?
        if parts.count == 2 {
            guard let value = Int(parts[1]), value >= 1 else {
                throw QualityError.invalidNeighborCount(k: Int(parts[1]) ?? 0, n: 0,
                                                        requirement: "the k in '\(text)' must be a positive integer")
            }
            k = value
        }
        switch base {
        case "trustworthiness": self = .trustworthiness(k: k ?? 15)
        case "continuity": self = .continuity(k: k ?? 15)
        case "knn-preservation": self = .knnPreservation(k: k ?? 15)
        case "knn-accuracy": self = .knnAccuracy(k: k ?? 10)
        case "knn-accuracy-cv": self = .knnAccuracyCV(k: k ?? 10)
        case "distance-correlation" where k == nil: self = .distanceCorrelation
        case "silhouette" where k == nil: self = .silhouette
        case "transform-knn-accuracy": self = .transformKNNAccuracy(k: k ?? 10)
        case "normalized-stress" where k == nil: self = .normalizedStress
        case "scale-normalized-stress" where k == nil: self = .scaleNormalizedStress
        case "shepard-correlation" where k == nil: self = .shepardCorrelation
        case "neighborhood-hit": self = .neighborhoodHit(k: k ?? 10)
        case "knc": self = .classMeanPreservation(k: k ?? 4)
        case "triplet-accuracy" where k == nil: self = .tripletAccuracy
        case "qnx": self = .coRankingQNX(k: k ?? 15)
        case "rnx-auc" where k == nil: self = .coRankingRNXAUC
        case "radius-correlation": self = .radiusCorrelation(k: k ?? 15)
        default: throw QualityError.unknownMetric(name: text, known: QualityMetric.knownNames)
        }
    }

    /// The canonical name (parses back to the same metric).
    public var name: String {
        switch self {
        case let .trustworthiness(k): return "trustworthiness@\(k)"
        case let .continuity(k): return "continuity@\(k)"
        case let .knnPreservation(k): return "knn-preservation@\(k)"
        case let .knnAccuracy(k): return "knn-accuracy@\(k)"
        case let .knnAccuracyCV(k): return "knn-accuracy-cv@\(k)"
        case .distanceCorrelation: return "distance-correlation"
        case .silhouette: return "silhouette"
        case let .transformKNNAccuracy(k): return "transform-knn-accuracy@\(k)"
        case .normalizedStress: return "normalized-stress"
        case .scaleNormalizedStress: return "scale-normalized-stress"
        case .shepardCorrelation: return "shepard-correlation"
        case let .neighborhoodHit(k): return "neighborhood-hit@\(k)"
        case let .classMeanPreservation(k): return "knc@\(k)"
        case .tripletAccuracy: return "triplet-accuracy"
        case let .coRankingQNX(k): return "qnx@\(k)"
        case .coRankingRNXAUC: return "rnx-auc"
        case let .radiusCorrelation(k): return "radius-correlation@\(k)"
        }
    }

    public var description: String { name }

    /// Version of the metric's implementation. Bump the metric's entry in the same change as
    /// anything that may alter its value for some input, so that stored values made by the old
    /// code are recomputed instead of reused.
    public var implementationVersion: Int {
        // Version 2: neighbour distances through the deterministic SGEMM kernel, logarithms and
        // exponentials through `DeterministicMath` (issue 15).
        switch self {
        case .trustworthiness, .continuity, .knnPreservation: return 2
        case .knnAccuracy, .knnAccuracyCV, .transformKNNAccuracy: return 2
        case .distanceCorrelation: return 2
        case .silhouette: return 2
        // Version 1: the measures of issue 18.
        case .normalizedStress, .scaleNormalizedStress, .shepardCorrelation: return 1
        case .neighborhoodHit, .classMeanPreservation, .tripletAccuracy: return 1
        case .coRankingQNX, .coRankingRNXAUC: return 1
        // Version 1: densMAP's local radii (issue 18).
        case .radiusCorrelation: return 1
        }
    }

    /// Whether the metric needs class labels.
    public var needsLabels: Bool {
        switch self {
        case .knnAccuracy, .knnAccuracyCV, .silhouette, .transformKNNAccuracy: return true
        case .neighborhoodHit, .classMeanPreservation: return true
        default: return false
        }
    }

    /// Whether the metric measures held-out points placed by `transform`
    /// (evaluated by `QualityEvaluator.evaluateHeldOut`, skipped by `evaluate`).
    public var needsHeldOut: Bool {
        if case .transformKNNAccuracy = self { return true }
        return false
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(parsing: text)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }
}
