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
    public static let implementationVersion = 1

    public static let parameterDocs: [ParameterDoc] = [
        ParameterDoc("n_neighbors", "15", "size of the local neighbourhood (kNN graph k, counting the point itself)"),
        ParameterDoc("n_components", "2", "output dimension"),
        ParameterDoc("metric", "euclidean", "input metric: " + Metric.knownNames.joined(separator: ", ")),
        ParameterDoc("metric_p", "2", "exponent of the minkowski metric"),
        ParameterDoc("min_dist", "0.1", "minimum spacing of embedded points (<= spread)"),
        ParameterDoc("spread", "1.0", "scale of embedded points"),
        ParameterDoc("set_op_mix_ratio", "1.0", "1 = fuzzy union, 0 = fuzzy intersection of the directed kNN sets"),
        ParameterDoc("local_connectivity", "1.0", "number of nearest neighbours assumed connected (ρ)"),
        ParameterDoc("repulsion_strength", "1.0", "weight γ of negative samples"),
        ParameterDoc("negative_sample_rate", "5", "negative samples per positive sample"),
        ParameterDoc("learning_rate", "1.0", "initial SGD step, decayed linearly to 0"),
        ParameterDoc("n_epochs", "auto", "SGD epochs (auto: 500 up to 10 000 points, 200 above)"),
        ParameterDoc("init", "spectral", "spectral | pca | random"),
        ParameterDoc("a", "auto", "curve parameter a (auto: fitted from min_dist and spread)"),
        ParameterDoc("b", "auto", "curve parameter b (auto: fitted from min_dist and spread)"),
        ParameterDoc("nn_method", "auto", "auto (exact below 4096 points, NN-descent above) | exact | nndescent"),
        ParameterDoc("supervised", "false", "use the labels given to fit (−1 = unlabelled) as a categorical target"),
        ParameterDoc("target_weight", "0.5", "weight of the target in supervised mode (0 = data only, 1 = target only)"),
        ParameterDoc("target_metric", "categorical", "categorical | continuous (continuous targets via fitModel(target:))"),
        ParameterDoc("target_n_neighbors", "auto", "neighbours of the continuous target graph (auto: n_neighbors)"),
        ParameterDoc("deterministic", "true", "parallel SGD in group-synchronous sub-steps, close to the sequential order (bit-identical for any thread count); false = sequential Hogwild as umap-learn"),
        ParameterDoc("recall_queries", "200", "sampled queries for the knn_recall diagnostic (0 = skip)"),
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
    public var initMethod: String
    public var a: Double?
    public var b: Double?
    public var nnMethod: String
    public var supervised: Bool
    public var targetWeight: Double
    public var targetMetric: String
    public var targetNNeighbors: Int?
    public var deterministic: Bool
    public var recallQueries: Int

    public init(parameters: Parameters = [:]) throws {
        let r = try ParameterReader(algorithm: UMAP.name, parameters: parameters, docs: UMAP.parameterDocs)
        nNeighbors = try r.int("n_neighbors", default: 15, range: 2...10_000)
        nComponents = try r.int("n_components", default: 2, range: 1...1000)
        let metricName = try r.choice("metric", default: "euclidean", among: Metric.knownNames)
        let p = try r.double("metric_p", default: 2, range: 1...1e6)
        do { metric = try Metric(name: metricName, p: p) } catch {
            throw EmbeddingError.invalidParameter(algorithm: UMAP.name, name: "metric", value: metricName,
                                                  allowed: Metric.knownNames.joined(separator: ", "))
        }
        minDist = try r.double("min_dist", default: 0.1, range: 0...1e6)
        spread = try r.positiveDouble("spread", default: 1.0)
        guard minDist <= spread else {
            throw EmbeddingError.invalidParameter(algorithm: UMAP.name, name: "min_dist", value: String(minDist),
                                                  allowed: "a number in 0...spread (\(spread))")
        }
        setOpMixRatio = try r.double("set_op_mix_ratio", default: 1, range: 0...1)
        localConnectivity = try r.double("local_connectivity", default: 1, range: 0...1e6)
        repulsionStrength = try r.double("repulsion_strength", default: 1, range: 0...1e6)
        negativeSampleRate = try r.int("negative_sample_rate", default: 5, range: 0...1000)
        learningRate = try r.positiveDouble("learning_rate", default: 1)
        nEpochs = try r.optionalInt("n_epochs", range: 1...100_000)
        initMethod = try r.choice("init", default: "spectral", among: ["spectral", "pca", "random"])
        a = r.raw("a") == nil ? nil : try r.positiveDouble("a", default: 1)
        b = r.raw("b") == nil ? nil : try r.positiveDouble("b", default: 1)
        nnMethod = try r.choice("nn_method", default: "auto", among: ["auto", "exact", "nndescent"])
        supervised = try r.flag("supervised", default: false)
        targetWeight = try r.double("target_weight", default: 0.5, range: 0...1)
        targetMetric = try r.choice("target_metric", default: "categorical", among: ["categorical", "continuous"])
        targetNNeighbors = try r.optionalInt("target_n_neighbors", range: 2...10_000)
        deterministic = try r.flag("deterministic", default: true)
        recallQueries = try r.int("recall_queries", default: 200, range: 0...100_000)
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
        let useExact = nnMethod == "exact" || (nnMethod == "auto" && n < 4096)
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
                let far = targetWeight < 1 ? 2.5 * (1 / (1 - targetWeight)) : 1e12
                g = UMAPFuzzySet.categoricalIntersection(g, labels: labels, unknownDist: 1, farDist: far)
            } else if let target {
                let tk = min(targetNNeighbors ?? k, n - 1)
                let tm = try Matrix(rows: n, cols: 1, storage: target.map { Float($0) })
                let tknn = try ExactKNN.search(tm, k: tk, metric: .euclidean, includeSelf: true)
                let tg = UMAPFuzzySet.fuzzySimplicialSet(tknn).graph
                g = UMAPFuzzySet.generalIntersection(g, tg, weight: targetWeight)
            }
            _ = s; _ = r
            return (g, s, r)
        }
        progress?("fuzzy_set", 1)
        let epochs = nEpochs ?? (n <= 10_000 ? 500 : 200)
        let (ca, cb) = curve
        diagnostics["a"] = ca
        diagnostics["b"] = cb
        let (components, componentCount) = graph.connectedComponents()
        _ = components
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
        let layout = makeLayout(graph: graph, epochs: epochs, a: ca, b: cb, moveOther: true)
        diagnostics["layout_edges"] = Double(layout.tail.count)
        timer.measure("optimize") {
            layout.optimise(head: &embedding, dim: nComponents, tailEmbedding: nil, tailCount: n,
                            seed: RandomStream.derive(seed: seed, purpose: "umap.optimize", index: 0))
        }
        progress?("optimize", 1)
        if embedding.contains(where: { !$0.isFinite }) {
            throw EmbeddingError.numerical("umap: optimisation produced non-finite coordinates")
        }
        let matrix = try Matrix(rows: n, cols: nComponents, storage: embedding)
        let model = UMAPModel(parameters: self, data: data, k: k, graph: graph, sigma: sigma, rho: rho,
                              embedding: matrix, a: ca, b: cb, epochs: epochs)
        var result = EmbeddingResult(embedding: matrix, phases: timer.phases, diagnostics: diagnostics,
                                     series: [:], warnings: warnings)
        result.diagnosticWallSeconds = recallTiming?.wallSeconds ?? 0
        result.diagnosticCPUSeconds = recallTiming?.cpuSeconds ?? 0
        return (model, result)
    }

    /// Edge list of `graph` with weights below max/epochs dropped, and each edge's sampling period.
    func makeLayout(graph: UMAPGraph, epochs: Int, a: Double, b: Double, moveOther: Bool) -> UMAPLayout {
        let maxW = graph.maxWeight
        let cut = maxW / Float(epochs)
        var start = [Int](repeating: 0, count: graph.rows + 1)
        var tail: [Int32] = [], period: [Double] = []
        for i in 0..<graph.rows {
            for e in graph.rowStart[i]..<graph.rowStart[i + 1] where graph.weight[e] >= cut && graph.weight[e] > 0 {
                tail.append(graph.column[e])
                period.append(Double(maxW) / Double(graph.weight[e]))
            }
            start[i + 1] = tail.count
        }
        return UMAPLayout(edgeStart: start, tail: tail, epochsPerSample: period, a: Float(a), b: Float(b),
                          gamma: Float(repulsionStrength), initialAlpha: Float(learningRate),
                          negativeSampleRate: Double(max(negativeSampleRate, 0)),
                          epochs: epochs, moveOther: moveOther, deterministic: deterministic)
    }

    /// The starting layout, scaled as umap-learn does: the raw layout is expanded to
    /// max |x| = 10, jittered by N(0, 1e-4) noise, then each column rescaled to [0, 10].
    func initialEmbedding(data: Matrix, graph: UMAPGraph, seed: UInt64, warnings: inout [String]) throws -> [Float] {
        let n = data.rows, dim = nComponents
        var rng = RandomStream(seed: seed, purpose: "umap.init")
        var raw: [Double]?
        switch initMethod {
        case "spectral":
            raw = UMAPSpectral.layout(graph, dim: dim, seed: seed, warnings: &warnings)
            if raw == nil { warnings.append("spectral initialisation failed; fell back to random initialisation") }
        case "pca":
            raw = pcaLayout(data, dim: dim)
            if raw == nil { warnings.append("PCA initialisation failed; fell back to random initialisation") }
        default:
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

    /// Projection of the centred data on its top `dim` principal axes (covariance eigenvectors).
    func pcaLayout(_ data: Matrix, dim: Int) -> [Double]? {
        let n = data.rows, d = data.cols
        guard dim <= d else { return nil }
        let means = data.columnMeans()
        var centred = data.storage
        for i in 0..<n { for j in 0..<d { centred[i * d + j] -= Float(means[j]) } }
        var gram = [Float](repeating: 0, count: d * d)
        centred.withUnsafeBufferPointer { cb in gram.withUnsafeMutableBufferPointer { gb in
            BLAS.gram(cb.baseAddress!, rows: n, cols: d, into: gb.baseAddress!) } }
        guard let eig = try? SymmetricEigen(symmetric: gram.map(Double.init), n: d, largest: dim), eig.values.count == dim else { return nil }
        var out = [Double](repeating: 0, count: n * dim)
        for i in 0..<n {
            for c in 0..<dim {
                var s = 0.0
                for j in 0..<d { s += Double(centred[i * d + j]) * eig.vectors[c * d + j] }
                out[i * dim + c] = s
            }
        }
        return out
    }
}
