import Linalg
import Neighbors

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// UMAP (McInnes, Healy & Melville 2018) with umap-learn's parameters and defaults,
/// approximate neighbours by NN-descent, and deterministic parallel optimisation:
/// for a seed, the output is bit-identical for any `Parallel.threadCount`.
public struct UMAP: EmbeddingAlgorithm {
    public static let name = "umap"
    public static let implementationVersion = 2

    /// Every parameter, declared once (umap-learn's names and defaults).
    public enum Parameter {
        public static let nNeighbors = IntParameter("n_neighbors", default: 15, range: 2...10_000,
                                                    "size of the local neighbourhood (kNN graph k, counting the point itself)")
        public static let nComponents = IntParameter("n_components", default: 2, range: 1...1000, "output dimension")
        public static let metric = WordParameter("metric", default: "euclidean", among: Metric.knownNames,
                                                 "input metric: " + Metric.knownNames.joined(separator: ", "))
        public static let metricP = RealParameter("metric_p", default: 2, range: 1...1e6, "exponent of the minkowski metric")
        public static let minDist = RealParameter("min_dist", default: 0.1, range: 0...1e6, "minimum spacing of embedded points (<= spread)")
        public static let spread = RealParameter("spread", default: 1, "scale of embedded points")
        public static let setOpMixRatio = RealParameter("set_op_mix_ratio", default: 1, range: 0...1,
                                                        "1 = fuzzy union, 0 = fuzzy intersection of the directed kNN sets")
        public static let localConnectivity = RealParameter("local_connectivity", default: 1, range: 0...1e6,
                                                            "number of nearest neighbours assumed connected (ρ)")
        public static let repulsionStrength = RealParameter("repulsion_strength", default: 1, range: 0...1e6,
                                                            "weight γ of negative samples")
        public static let negativeSampleRate = IntParameter("negative_sample_rate", default: 5, range: 0...1000,
                                                            "negative samples per positive sample")
        public static let learningRate = RealParameter("learning_rate", default: 1, "initial SGD step, decayed linearly to 0")
        public static let nEpochs = OptionalIntParameter("n_epochs", range: 1...100_000,
                                                         "SGD epochs (auto: 500 up to 10 000 points, 200 above)")
        public static let initialization = ChoiceParameter<UMAPInitialization>("init", default: .spectral, "starting layout")
        public static let a = OptionalRealParameter("a", default: nil, word: "auto", "curve parameter a (auto: fitted from min_dist and spread)")
        public static let b = OptionalRealParameter("b", default: nil, word: "auto", "curve parameter b (auto: fitted from min_dist and spread)")
        public static let nnMethod = ChoiceParameter<NeighborSearch>("nn_method", default: .auto,
                                                                     "auto = exact below 4096 points, NN-descent above")
        public static let supervised = FlagParameter("supervised", default: false,
                                                     "use the labels given to fit (−1 = unlabelled) as a categorical target")
        public static let targetWeight = RealParameter("target_weight", default: 0.5, range: 0...1,
                                                       "weight of the target in supervised mode (0 = data only, 1 = target only)")
        public static let targetMetric = ChoiceParameter<UMAPTargetMetric>("target_metric", default: .categorical,
                                                                           "continuous targets via fitModel(target:)")
        public static let targetNNeighbors = OptionalIntParameter("target_n_neighbors", range: 2...10_000,
                                                                  "neighbours of the continuous target graph (auto: n_neighbors)")
        public static let deterministic = FlagParameter("deterministic", default: true,
                                                        "parallel SGD in group-synchronous sub-steps, close to the sequential order (bit-identical for any thread count); false = sequential Hogwild as umap-learn")
        public static let recallQueries = IntParameter("recall_queries", default: 200, range: 0...100_000,
                                                       "sampled queries for the knn_recall diagnostic (0 = skip)")
    }

    public static let parameterDocs: [ParameterDoc] = [
        Parameter.nNeighbors.doc, Parameter.nComponents.doc, Parameter.metric.doc, Parameter.metricP.doc,
        Parameter.minDist.doc, Parameter.spread.doc, Parameter.setOpMixRatio.doc, Parameter.localConnectivity.doc,
        Parameter.repulsionStrength.doc, Parameter.negativeSampleRate.doc, Parameter.learningRate.doc,
        Parameter.nEpochs.doc, Parameter.initialization.doc, Parameter.a.doc, Parameter.b.doc, Parameter.nnMethod.doc,
        Parameter.supervised.doc, Parameter.targetWeight.doc, Parameter.targetMetric.doc, Parameter.targetNNeighbors.doc,
        Parameter.deterministic.doc, Parameter.recallQueries.doc,
    ]

    public var nNeighbors: Int
    public var nComponents: Int
    public var metric: Metric
    public var minDist: Double
    public var spread: Double
    public var setOpMixRatio: Double
    public var localConnectivity: Double
    public var repulsionStrength: Double
    public var negativeSampleRate: Int
    public var learningRate: Double
    public var nEpochs: Int?
    public var initMethod: UMAPInitialization
    public var a: Double?
    public var b: Double?
    public var nnMethod: NeighborSearch
    public var supervised: Bool
    public var targetWeight: Double
    public var targetMetric: UMAPTargetMetric
    public var targetNNeighbors: Int?
    public var deterministic: Bool
    public var recallQueries: Int
    /// densMAP's density term in the layout (nil: plain UMAP); set by `DensMAP`, not a parameter.
    var density: DensitySettings?

    /// densMAP's dens_lambda, dens_frac and dens_var_shift.
    struct DensitySettings: Sendable {
        var lambda: Double
        var frac: Double
        var varShift: Double
    }

    public init(parameters: Parameters = [:]) throws {
        try self.init(parameters: parameters, algorithm: UMAP.name, docs: UMAP.parameterDocs)
    }

    /// Reads UMAP's parameters for an algorithm built on it (`DensMAP`): `algorithm` names it in
    /// messages, `docs` are the names it accepts.
    init(parameters: Parameters, algorithm: String, docs: [ParameterDoc]) throws {
        let r = try ParameterReader(algorithm: algorithm, parameters: parameters, docs: docs)
        nNeighbors = try r.value(Parameter.nNeighbors)
        nComponents = try r.value(Parameter.nComponents)
        let metricName = try r.value(Parameter.metric)
        let p = try r.value(Parameter.metricP)
        do { metric = try Metric(name: metricName, p: p) } catch {
            throw EmbeddingError.invalidParameter(algorithm: algorithm, name: "metric", value: metricName,
                                                  allowed: Metric.knownNames.joined(separator: ", "))
        }
        minDist = try r.value(Parameter.minDist)
        spread = try r.value(Parameter.spread)
        guard minDist <= spread else {
            throw EmbeddingError.invalidParameter(algorithm: algorithm, name: "min_dist", value: String(minDist),
                                                  allowed: "a number in 0...spread (\(spread))")
        }
        setOpMixRatio = try r.value(Parameter.setOpMixRatio)
        localConnectivity = try r.value(Parameter.localConnectivity)
        repulsionStrength = try r.value(Parameter.repulsionStrength)
        negativeSampleRate = try r.value(Parameter.negativeSampleRate)
        learningRate = try r.value(Parameter.learningRate)
        nEpochs = try r.value(Parameter.nEpochs)
        initMethod = try r.value(Parameter.initialization)
        a = try r.value(Parameter.a)
        b = try r.value(Parameter.b)
        nnMethod = try r.value(Parameter.nnMethod)
        supervised = try r.value(Parameter.supervised)
        targetWeight = try r.value(Parameter.targetWeight)
        targetMetric = try r.value(Parameter.targetMetric)
        targetNNeighbors = try r.value(Parameter.targetNNeighbors)
        deterministic = try r.value(Parameter.deterministic)
        recallQueries = try r.value(Parameter.recallQueries)
    }

    /// Curve parameters (a, b): given ones, or the fit from min_dist and spread.
    public var curve: (a: Double, b: Double) {
        if let a, let b { return (a, b) }
        let fit = UMAPCurve.fitAB(spread: spread, minDist: minDist)
        return (a ?? fit.a, b ?? fit.b)
    }

    public func fit(_ data: Matrix, labels: [Int]?, seed: UInt64, progress: ProgressHandler?) throws -> EmbeddingResult {
        try fitModel(data, labels: supervised ? labels : nil, target: nil, seed: seed, progress: progress).1
    }

    /// Fits UMAP and keeps what `transform` needs.
    /// - Parameters:
    ///   - labels: categorical target (−1 = unlabelled), used when given (requires target_metric categorical).
    ///   - target: continuous target per point (used with target_metric continuous).
    public func fitModel(_ data: Matrix, labels: [Int]? = nil, target: [Double]? = nil, seed: UInt64,
                         progress: ProgressHandler? = nil) throws -> (UMAPModel, EmbeddingResult) {
        let n = data.rows
        var warnings: [String] = []
        guard n >= 3, data.cols >= 1 else { throw EmbeddingError.invalidInput("umap needs at least 3 points with at least 1 feature, got \(n) × \(data.cols)") }
        if let bad = data.firstNonFinite() {
            throw EmbeddingError.invalidInput("umap: data contains \(bad.value) at row \(bad.row), column \(bad.col); remove or impute non-finite values")
        }
        if let labels, labels.count != n { throw EmbeddingError.invalidInput("umap: \(labels.count) labels for \(n) points") }
        if let target, target.count != n || !target.allSatisfy({ $0.isFinite }) {
            throw EmbeddingError.invalidInput("umap: target must have \(n) finite values")
        }
        guard nComponents < n - 1 else {
            throw EmbeddingError.invalidInput("umap: n_components = \(nComponents) needs more than \(nComponents + 1) points, got \(n)")
        }
        var k = nNeighbors
        if k > n - 1 {
            warnings.append("n_neighbors = \(k) is not smaller than the number of points (\(n)); using \(n - 1)")
            k = n - 1
        }
        var timer = PhaseTimer()
        let useExact = !nnMethod.usesNNDescent(n: n)
        let knn: KNNGraph = try timer.measure("neighbors") {
            do {
                return useExact ? try ExactKNN.search(data, k: k, metric: metric, includeSelf: true)
                    : try NNDescent.build(data, k: k, metric: metric, includeSelf: true, seed: RandomStream.derive(seed: seed, purpose: "umap.knn", index: 0))
            } catch let e as NeighborsError {
                throw EmbeddingError.invalidInput("umap neighbours: \(e)")
            }
        }
        progress?("neighbors", 1)
        var diagnostics: [String: Double] = [:]
        // Measuring recall is not part of the algorithm: its time is reported apart (see EmbeddingResult).
        var recallTiming: PhaseTiming?
        if useExact { diagnostics["knn_recall"] = 1 } else if recallQueries > 0 {
            diagnostics["knn_recall"] = try timer.measure("knn_recall") {
                try NeighborRecall.sampledRecall(data: data, graph: knn, metric: metric, queries: recallQueries, seed: seed)
            }
            recallTiming = timer.phases.last
        }
        let (graph, sigma, rho) = try timer.measure("fuzzy_set") { () throws -> (UMAPGraph, [Float], [Float]) in
            var (g, s, r) = UMAPFuzzySet.fuzzySimplicialSet(knn, setOpMixRatio: setOpMixRatio, localConnectivity: localConnectivity)
            if let labels {
                g = FuzzySetAlgebra.labelIntersection(g, labels: labels, unknownDistance: 1,
                                                      farDistance: FuzzySetAlgebra.farDistance(targetWeight: targetWeight))
            } else if let target {
                // umap-learn: the target's own fuzzy set (exact neighbours), intersected with weight target_weight.
                let tk = min(targetNNeighbors ?? k, n - 1)
                let tm = try Matrix(rows: n, cols: 1, storage: target.map { Float($0) })
                let tknn = try ExactKNN.search(tm, k: tk, metric: .euclidean, includeSelf: true)
                let tg = UMAPFuzzySet.fuzzySimplicialSet(tknn).graph
                g = FuzzySetAlgebra.resetLocalConnectivity(FuzzySetAlgebra.intersection(g, tg, weight: targetWeight))
            }
            return (g, s, r)
        }
        progress?("fuzzy_set", 1)
        var series: [String: [Double]] = [:]
        let embedding = try layOut(graph, initData: data, knn: knn, seed: seed, timer: &timer, diagnostics: &diagnostics,
                                   series: &series, warnings: &warnings, progress: progress)
        let (ca, cb) = curve
        let model = UMAPModel(parameters: self, data: data, k: k, graph: graph, sigma: sigma, rho: rho,
                              embedding: embedding, a: ca, b: cb, epochs: epochs(for: n))
        var result = EmbeddingResult(embedding: embedding, phases: timer.phases, diagnostics: diagnostics,
                                     series: series, warnings: warnings)
        result.diagnosticWallSeconds = recallTiming?.wallSeconds ?? 0
        result.diagnosticCPUSeconds = recallTiming?.cpuSeconds ?? 0
        return (model, result)
    }

    /// SGD epochs for n points: n_epochs, or 500 up to 10 000 points and 200 above (umap-learn's rule).
    func epochs(for n: Int) -> Int { nEpochs ?? (n <= 10_000 ? 500 : 200) }

    /// Lays out a fuzzy graph over n points: spectral (or PCA of `initData`, or random) start, then SGD.
    /// Adds the graph and curve diagnostics ("a", "b", "graph_components", "graph_edges",
    /// "graph_weight_sum", "epochs", "layout_edges") and the phases "init" and "optimize".
    /// With `density` set, `knn` (the graph's kNN graph) gives the input distances of densMAP's
    /// term; the radii go to `series` ("radius_input", "radius_output") and their Pearson
    /// correlation to the diagnostic "radius_correlation".
    func layOut(_ graph: UMAPGraph, initData data: Matrix, knn: KNNGraph?, seed: UInt64, timer: inout PhaseTimer,
                diagnostics: inout [String: Double], series: inout [String: [Double]], warnings: inout [String],
                progress: ProgressHandler?) throws -> Matrix {
        let n = graph.rows
        let epochs = epochs(for: n)
        let (ca, cb) = curve
        diagnostics["a"] = ca
        diagnostics["b"] = cb
        let componentCount = graph.connectedComponents().count
        diagnostics["graph_components"] = Double(componentCount)
        diagnostics["graph_edges"] = Double(graph.entryCount)
        var embedding: [Float] = try timer.measure("init") {
            try initialEmbedding(data: data, graph: graph, seed: seed, warnings: &warnings)
        }
        progress?("init", 1)
        var weightSum = 0.0
        for w in graph.weight { weightSum += Double(w) }
        diagnostics["graph_weight_sum"] = weightSum
        diagnostics["epochs"] = Double(epochs)
        var layout = makeLayout(graph: graph, epochs: epochs, a: ca, b: cb, moveOther: true)
        diagnostics["layout_edges"] = Double(layout.tail.count)
        if let density {
            guard let knn else { throw EmbeddingError.invalidInput("densmap needs the kNN graph of its data (blocks are not supported)") }
            let d2 = try LocalRadius.squaredEdgeDistances(edgeStart: layout.edgeStart, tail: layout.tail, knn: knn)
            layout.density = UMAPDensity(edgeStart: layout.edgeStart, weight: layout.weight, squaredDistance: d2,
                                         lambda: density.lambda, frac: density.frac, varShift: density.varShift,
                                         epochs: epochs, warnings: &warnings)
            if let term = layout.density { diagnostics["density_epochs"] = Double(epochs - term.firstEpoch) }
        }
        timer.measure("optimize") {
            layout.optimise(head: &embedding, dim: nComponents, tailEmbedding: nil, tailCount: n,
                            seed: RandomStream.derive(seed: seed, purpose: "umap.optimize", index: 0),
                            progress: progress.map { report in { report("optimize", $0) } })
        }
        progress?("optimize", 1)
        if embedding.contains(where: { !$0.isFinite }) {
            throw EmbeddingError.numerical("umap: optimisation produced non-finite coordinates")
        }
        if let term = layout.density {
            let output = UMAPDensity.outputRadii(positions: embedding, dim: nComponents, edgeStart: layout.edgeStart,
                                                 tail: layout.tail, a: Float(ca), b: Float(cb))
            series["radius_input"] = term.inputRadius
            series["radius_output"] = output
            diagnostics["radius_correlation"] = Statistics.pearson(term.inputRadius, output)
        }
        return try Matrix(rows: n, cols: nComponents, storage: embedding)
    }

    /// Weights below this are too small to be sampled in `epochs` epochs: max/epochs (umap-learn's pruning).
    static func layoutCut(maxWeight: Float, epochs: Int) -> Float { maxWeight / Float(epochs) }

    /// Edge list of `graph` with weights below max/epochs dropped, and each edge's sampling period.
    func makeLayout(graph: UMAPGraph, epochs: Int, a: Double, b: Double, moveOther: Bool) -> UMAPLayout {
        let maxW = graph.maxWeight
        let cut = UMAP.layoutCut(maxWeight: maxW, epochs: epochs)
        var start = [Int](repeating: 0, count: graph.rows + 1)
        var tail: [Int32] = [], period: [Double] = [], kept: [Float] = []
        for i in 0..<graph.rows {
            for e in graph.rowStart[i]..<graph.rowStart[i + 1] where graph.weight[e] >= cut && graph.weight[e] > 0 {
                tail.append(graph.column[e])
                period.append(Double(maxW) / Double(graph.weight[e]))
                kept.append(graph.weight[e])
            }
            start[i + 1] = tail.count
        }
        return UMAPLayout(edgeStart: start, tail: tail, epochsPerSample: period, a: Float(a), b: Float(b),
                          gamma: Float(repulsionStrength), initialAlpha: Float(learningRate),
                          negativeSampleRate: Double(max(negativeSampleRate, 0)),
                          epochs: epochs, moveOther: moveOther, deterministic: deterministic, weight: kept)
    }

    /// The starting layout, scaled as umap-learn does: the raw layout is expanded to
    /// max |x| = 10, jittered by N(0, 1e-4) noise, then each column rescaled to [0, 10].
    func initialEmbedding(data: Matrix, graph: UMAPGraph, seed: UInt64, warnings: inout [String]) throws -> [Float] {
        let n = data.rows, dim = nComponents
        var rng = RandomStream(seed: seed, purpose: "umap.init")
        var raw: [Double]?
        switch initMethod {
        case .spectral:
            raw = UMAPSpectral.layout(graph, dim: dim, seed: seed, warnings: &warnings)
            if raw == nil { warnings.append("spectral initialisation failed; fell back to random initialisation") }
        case .pca:
            raw = try? PCA.initialProjection(data, components: dim)
            if raw == nil { warnings.append("PCA initialisation failed; fell back to random initialisation") }
        case .random:
            break
        }
        guard var values = raw else {
            return (0..<n * dim).map { _ in Float(rng.nextDouble() * 20 - 10) }
        }
        let big = values.map(abs).max() ?? 0
        let expansion = big > 0 ? 10 / big : 1
        for i in values.indices { values[i] = values[i] * expansion + 1e-4 * rng.nextGaussian() }
        var out = [Float](repeating: 0, count: n * dim)
        for c in 0..<dim {
            var lo = Double.infinity, hi = -Double.infinity
            for i in 0..<n { lo = min(lo, values[i * dim + c]); hi = max(hi, values[i * dim + c]) }
            let width = hi - lo
            for i in 0..<n { out[i * dim + c] = Float(width > 0 ? 10 * (values[i * dim + c] - lo) / width : 5) }
        }
        return out
    }
}

/// UMAP's starting layout.
public enum UMAPInitialization: String, Sendable, CaseIterable {
    /// Eigenvectors of the graph Laplacian (our Lanczos solver), per connected component.
    case spectral
    /// The top principal components (`PCA.initialProjection`).
    case pca
    /// Uniform in [−10, 10].
    case random
}

/// What a supervised UMAP target is.
public enum UMAPTargetMetric: String, Sendable, CaseIterable {
    /// Class labels (−1 = unlabelled).
    case categorical
    /// A real value per point (`fitModel(target:)`).
    case continuous
}
