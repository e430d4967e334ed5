import Linalg
import Neighbors

/// Distances from each point to its k nearest neighbours, three ways: the
/// measurement behind the curse-of-dimensionality figure of the UMAP talk.
///
/// Not an embedding in the usual sense: its output matrix is n × 2 with each
/// point's UMAP local-connectivity distance ρ (to its nearest neighbour) and
/// bandwidth σ, and the distances come as per-point series:
/// - `distance`: the raw distances d_ij (n·k values),
/// - `distance_over_mean`: d_ij divided by the mean of all of them,
/// - `normalized_distance`: (d_ij − ρ_i) / σ_i, UMAP's normalised distances.
/// Parameters: `NeighborDistanceProfile.Parameter`.
public struct NeighborDistanceProfile: EmbeddingAlgorithm {
    public static let name = "neighbor-distances"
    public static let implementationVersion = 2

    /// Every parameter, declared once.
    public enum Parameter {
        public static let k = IntParameter("k", default: 20, range: 1...10_000, "neighbours per point (the point itself not counted)")
        public static let metric = WordParameter("metric", default: "euclidean", among: Metric.knownNames,
                                                 "distance metric (see Neighbors.Metric)")
    }

    public static let parameterDocs: [ParameterDoc] = [Parameter.k.doc, Parameter.metric.doc]

    public var k: Int
    public var metric: Metric

    public init(parameters: Parameters) throws {
        let reader = try ParameterReader(algorithm: Self.name, parameters: parameters, docs: Self.parameterDocs)
        k = try reader.value(Parameter.k)
        metric = try Metric(name: try reader.value(Parameter.metric))
    }

    public func fit(_ data: Matrix, labels: [Int]?, seed: UInt64, progress: ProgressHandler?) throws -> EmbeddingResult {
        guard data.rows > k else {
            throw EmbeddingError.invalidInput("neighbor-distances needs more than k = \(k) points, got \(data.rows)")
        }
        var timer = PhaseTimer()
        // Column 0 is the point itself (distance 0), as UMAP's calibration expects.
        let graph = try timer.measure("neighbors") { try ExactKNN.search(data, k: k + 1, metric: metric, includeSelf: true) }
        let n = data.rows, width = k + 1
        let (sigma, rho) = timer.measure("calibrate") {
            UMAPFuzzySet.smoothKNNDistances(distances: graph.distances, n: n, k: width)
        }
        var raw: [Double] = [], normalized: [Double] = []
        raw.reserveCapacity(n * k)
        normalized.reserveCapacity(n * k)
        for i in 0..<n {
            for j in 1..<width {
                let d = Double(graph.distances[i * width + j])
                raw.append(d)
                normalized.append(max(0, d - Double(rho[i])) / max(Double(sigma[i]), 1e-12))
            }
        }
        let mean = raw.reduce(0, +) / Double(max(raw.count, 1))
        var embedding = Matrix(rows: n, cols: 2)
        for i in 0..<n {
            embedding[i, 0] = rho[i]
            embedding[i, 1] = sigma[i]
        }
        let spread = { (values: [Double]) -> Double in
            let m = values.reduce(0, +) / Double(values.count)
            return (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count)).squareRoot() / max(m, 1e-300)
        }
        return EmbeddingResult(
            embedding: embedding, phases: timer.phases,
            diagnostics: ["mean_distance": mean, "relative_spread": spread(raw)],
            series: ["distance": raw, "distance_over_mean": raw.map { $0 / max(mean, 1e-300) },
                     "normalized_distance": normalized])
    }
}
