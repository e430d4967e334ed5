import Linalg
import Neighbors

/// LargeVis (Tang, Liu, Zhang & Mei 2016) as uwot's `lvish` computes it (uwot 0.1, R; facts
/// from its source and documentation):
/// 1. the n_neighbors nearest neighbours of every point (default 3·perplexity = 150, the point
///    itself counted; exact below 4 096 points, NN-descent from 4 096 on, as UMAP);
/// 2. Gaussian affinities calibrated to the perplexity (default 50) on each point's other
///    neighbours and symmetrised, p_ij = (p_j|i + p_i|j)/2n (`TSNECalibration`, t-SNE's own
///    calibration: lvish's `gauss` kernel; only ratios of p matter below);
/// 3. UMAP's SGD (`UMAPLayout`, edges sampled in proportion to p_ij, edges below max/n_epochs
///    dropped) with LargeVis's kernel w = 1/(1 + d²) (a = b = 1): attraction −2/(1 + d²),
///    repulsion 2γ/((0.1 + d²)(1 + d²)) with γ = 7 (repulsion_strength) and 5 negative samples
///    per positive one, gradients clipped to ±4 (UMAP's clip; lvish clips its LargeVis
///    gradient at ±5, a departure), learning rate 1 decayed linearly;
/// 4. n_epochs chosen as lvish does, so that the edges are sampled LargeVis's default number of
///    times: 10⁹ below 10 000 points, rising linearly to 10¹⁰ at 10⁶ points, n·10⁴ above;
///    epochs = round(samples · max p / Σ p);
/// 5. start: lvish's `lvrandom`, Gaussian coordinates with standard deviation 1e-4.
///
/// Departures: the ±4 clip above; UMAP's deterministic parallel SGD and its summed negative samples (see
/// `UMAPLayout`), so a seed gives the same bits for any thread count; lvish's input scaling
/// (`scale = "maxabs"`) is left to the spec's preprocessing; a perplexity of at least the
/// number of other neighbours is lowered to n_neighbors − 2 with a warning. Parameters and
/// defaults: `LargeVis.Parameter`.
public struct LargeVis: EmbeddingAlgorithm {
    public static let name = "largevis"
    public static let implementationVersion = 1

    /// Every parameter, declared once (lvish's names and defaults).
    public enum Parameter {
        public static let perplexity = RealParameter("perplexity", default: 50, range: 1...10_000,
                                                     "perplexity of the Gaussian input affinities")
        public static let nNeighbors = OptionalIntParameter("n_neighbors", range: 3...10_000,
                                                            "neighbours per point, the point itself counted (auto: 3·perplexity)")
        public static let nComponents = IntParameter("n_components", default: 2, range: 1...1000, "output dimension")
        public static let nEpochs = OptionalIntParameter("n_epochs", range: 1...10_000_000,
                                                         "SGD epochs (auto: LargeVis's number of edge samples, 10⁹ below 10 000 points)")
        public static let learningRate = RealParameter("learning_rate", default: 1, "initial SGD step, decayed linearly to 0")
        public static let repulsionStrength = RealParameter("repulsion_strength", default: 7, range: 0...1e6,
                                                            "weight γ of negative samples")
        public static let negativeSampleRate = IntParameter("negative_sample_rate", default: 5, range: 0...1000,
                                                            "negative samples per positive sample")
        public static let nnMethod = ChoiceParameter<NeighborSearch>("nn_method", default: .auto,
                                                                     "auto = exact below 4096 points, NN-descent above")
        public static let deterministic = FlagParameter("deterministic", default: true,
                                                        "UMAP's group-synchronous parallel SGD (same bits for any thread count); false = sequential")
    }

    public static let parameterDocs: [ParameterDoc] = [
        Parameter.perplexity.doc, Parameter.nNeighbors.doc, Parameter.nComponents.doc, Parameter.nEpochs.doc,
        Parameter.learningRate.doc, Parameter.repulsionStrength.doc, Parameter.negativeSampleRate.doc,
        Parameter.nnMethod.doc, Parameter.deterministic.doc,
    ]

    public var perplexity: Double
    public var nNeighbors: Int?
    public var nComponents: Int
    public var nEpochs: Int?
    public var learningRate: Double
    public var repulsionStrength: Double
    public var negativeSampleRate: Int
    public var nnMethod: NeighborSearch
    public var deterministic: Bool

    public init(parameters: Parameters = [:]) throws {
        let r = try ParameterReader(algorithm: LargeVis.name, parameters: parameters, docs: LargeVis.parameterDocs)
        perplexity = try r.value(Parameter.perplexity)
        nNeighbors = try r.value(Parameter.nNeighbors)
        nComponents = try r.value(Parameter.nComponents)
        nEpochs = try r.value(Parameter.nEpochs)
        learningRate = try r.value(Parameter.learningRate)
        repulsionStrength = try r.value(Parameter.repulsionStrength)
        negativeSampleRate = try r.value(Parameter.negativeSampleRate)
        nnMethod = try r.value(Parameter.nnMethod)
        deterministic = try r.value(Parameter.deterministic)
    }

    /// LargeVis's default number of edge samples for n points (uwot's `lvish_samples`).
    static func edgeSamples(n: Int) -> Double {
        let millions: Double
        if n < 10_000 { millions = 1000 }
        else if n < 1_000_000 { millions = Double(n - 10_000) * 9000 / (1_000_000 - 10_000) + 1000 }
        else { millions = Double(n) / 100 }
        return (millions * 1_000_000).rounded()
    }

    /// Epochs that sample the edges `edgeSamples(n)` times: round(samples · max w / Σ w), at least 1.
    static func defaultEpochs(n: Int, weights: [Float]) -> Int {
        var total = 0.0, largest = 0.0
        for w in weights { total += Double(w); largest = max(largest, Double(w)) }
        guard total > 0 else { return 1 }
        return max(1, Int((edgeSamples(n: n) * largest / total).rounded()))
    }

    public func fit(_ data: Matrix, labels: [Int]?, seed: UInt64, progress: ProgressHandler?) throws -> EmbeddingResult {
        let n = data.rows
        guard n >= 4, data.cols >= 1 else {
            throw EmbeddingError.invalidInput("largevis needs at least 4 points with at least 1 feature, got \(n) × \(data.cols)")
        }
        if let bad = data.firstNonFinite() {
            throw EmbeddingError.invalidInput("largevis: data contains \(bad.value) at row \(bad.row), column \(bad.col); remove or impute non-finite values")
        }
        guard nComponents < n - 1 else {
            throw EmbeddingError.invalidInput("largevis: n_components = \(nComponents) needs more than \(nComponents + 1) points, got \(n)")
        }
        var warnings: [String] = []
        var k = nNeighbors ?? Int((3 * perplexity).rounded())
        if k > n - 1 {
            warnings.append("n_neighbors = \(k) is not smaller than the number of points (\(n)); using \(n - 1)")
            k = n - 1
        }
        k = max(k, 3)
        var usedPerplexity = perplexity
        if usedPerplexity > Double(k - 2) {
            usedPerplexity = Double(k - 2)
            warnings.append("perplexity \(perplexity) needs more than \(k - 1) other neighbours; lowered to \(usedPerplexity)")
        }
        var timer = PhaseTimer()
        let knn: KNNGraph = try timer.measure("neighbors") {
            do {
                return nnMethod.usesNNDescent(n: n)
                    ? try NNDescent.build(data, k: k, metric: .euclidean, includeSelf: true,
                                          seed: RandomStream.derive(seed: seed, purpose: "largevis.knn", index: 0))
                    : try ExactKNN.search(data, k: k, metric: .euclidean, includeSelf: true)
            } catch let e as NeighborsError {
                throw EmbeddingError.invalidInput("largevis neighbours: \(e)")
            }
        }
        progress?("neighbors", 1)
        let graph: UMAPGraph = timer.measure("affinities") {
            let c = TSNECalibration.conditional(graph: knn, k: k - 1, perplexity: usedPerplexity)
            let p = TSNECalibration.symmetrize(n: n, k: k - 1, neighbors: c.neighbors, probabilities: c.probabilities,
                                               sigmas: c.sigmas)
            return UMAPGraph(rows: n, cols: n, rowStart: p.rowStart, column: p.columns, weight: p.values.map { Float($0) })
        }
        progress?("affinities", 1)
        let epochs = nEpochs ?? LargeVis.defaultEpochs(n: n, weights: graph.weight)
        // UMAP's SGD with LargeVis's kernel and constants.
        var sgd = try UMAP(parameters: ["repulsion_strength": .number(repulsionStrength), "learning_rate": .number(learningRate),
                                        "negative_sample_rate": .number(Double(negativeSampleRate)),
                                        "deterministic": .flag(deterministic)])
        sgd.nComponents = nComponents
        var layout = sgd.makeLayout(graph: graph, epochs: epochs, a: 1, b: 1, moveOther: true)
        layout.repulsionEpsilon = 0.1
        var rng = RandomStream(seed: seed, purpose: "largevis.init")
        var embedding = (0..<n * nComponents).map { _ in Float(rng.nextGaussian() * 1e-4) }
        timer.measure("optimize") {
            layout.optimise(head: &embedding, dim: nComponents, tailEmbedding: nil, tailCount: n,
                            seed: RandomStream.derive(seed: seed, purpose: "largevis.optimize", index: 0),
                            progress: progress.map { report in { report("optimize", $0) } })
        }
        progress?("optimize", 1)
        guard embedding.allSatisfy({ $0.isFinite }) else {
            throw EmbeddingError.numerical("largevis: optimisation produced non-finite coordinates")
        }
        let diagnostics: [String: Double] = ["epochs": Double(epochs), "layout_edges": Double(layout.tail.count),
                                             "perplexity": usedPerplexity, "n_neighbors": Double(k)]
        return EmbeddingResult(embedding: try Matrix(rows: n, cols: nComponents, storage: embedding), phases: timer.phases,
                               diagnostics: diagnostics, warnings: warnings)
    }
}
