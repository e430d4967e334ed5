import Foundation
import Linalg
import Neighbors

/// t-distributed stochastic neighbour embedding (van der Maaten & Hinton 2008) with openTSNE's
/// defaults: perplexity-calibrated affinities on the 3·perplexity nearest neighbours, PCA
/// initialisation, early exaggeration 12 for 250 iterations, 500 main iterations, learning rate
/// n / exaggeration, and an exact, Barnes–Hut or FFT-interpolated (FIt-SNE) repulsive gradient.
///
/// Phases reported: "neighbors", "affinities", "init" (the starting positions), "early_exaggeration", "optimize".
/// Diagnostics: "kl_divergence" (final KL(P‖Q)), "perplexity", "n_neighbors", "learning_rate",
/// "learning_rate_early". Series: "sigma" (σ_i per point), "kl_history" (KL every 50 iterations),
/// "kl_history_iteration".
public struct TSNE: EmbeddingAlgorithm {
    public static let name = "tsne"
    public static let implementationVersion = 4
    public static var parameterDocs: [ParameterDoc] { TSNEParameters.docs }

    /// The validated parameters.
    public var parameters: TSNEParameters

    public init(parameters: Parameters) throws {
        self.parameters = try TSNEParameters(parameters: parameters)
    }

    public init(_ parameters: TSNEParameters) {
        self.parameters = parameters
    }

    /// Embeds `data` (n × d), finding the neighbours itself (`nn_method`: exact below `TSNEParameters.exactNeighborsBelow` (8 192) points, NN-descent above).
    public func fit(_ data: Matrix, labels: [Int]?, seed: UInt64, progress: ProgressHandler?) throws -> EmbeddingResult {
        try fitModel(data, neighbors: nil, seed: seed, progress: progress).result
    }

    /// Embeds `data` (n × d) using a precomputed Euclidean kNN graph (for example from NN-descent) if given;
    /// it should hold at least 3·perplexity non-self neighbours per point (fewer are used with a warning).
    public func fit(_ data: Matrix, neighbors: KNNGraph?, seed: UInt64, progress: ProgressHandler?) throws -> EmbeddingResult {
        try fitModel(data, neighbors: neighbors, seed: seed, progress: progress).result
    }

    /// As `fit`, returning a `TSNEModel` that can also place new points (`transform`).
    public func fitModel(_ data: Matrix, neighbors: KNNGraph?, seed: UInt64, progress: ProgressHandler?) throws -> TSNEModel {
        let n = data.rows
        var warnings: [String] = []
        let perplexity = try checkedPerplexity(data, warnings: &warnings)
        var k = min(n - 1, Int(3 * perplexity))
        let method = parameters.resolvedMethod(n: n)
        if (parameters.method ?? method) == .fft && method != .fft {
            warnings.append("the FFT gradient supports 2 components only; using Barnes-Hut for n_components = \(parameters.nComponents)")
        }
        if parameters.method == .exact32 && method != .exact32 {
            warnings.append("exact32 supports 2 components with dof 1 only; using the double-precision exact gradient")
        }
        var timer = PhaseTimer()
        let graph = try timer.measure("neighbors") {
            try neighborGraph(data, given: neighbors, k: &k, seed: seed, warnings: &warnings)
        }
        progress?("neighbors", 1)
        let p: TSNEAffinities = timer.measure("affinities") {
            let cond = TSNECalibration.conditional(graph: graph, k: k, perplexity: perplexity)
            return TSNECalibration.symmetrize(n: n, k: k, neighbors: cond.neighbors, probabilities: cond.probabilities,
                                              sigmas: cond.sigmas)
        }
        progress?("affinities", 1)
        var y = try timer.measure("init") { try initialPositions(data, seed: seed, warnings: &warnings) }
        let run = try optimize(&y, affinities: p, method: method, timer: &timer, progress: progress)
        let embedding = try Matrix(rows: n, cols: parameters.nComponents, storage: y.map { Float($0) })
        var result = EmbeddingResult(embedding: embedding, phases: timer.phases, warnings: warnings)
        result.diagnostics["kl_divergence"] = run.finalKL
        result.diagnostics["perplexity"] = perplexity
        result.diagnostics["n_neighbors"] = Double(k)
        result.diagnostics["learning_rate"] = run.learningRate
        result.diagnostics["learning_rate_early"] = run.learningRateEarly
        result.series["sigma"] = p.sigmas
        result.series["kl_history"] = run.klHistory.map { $0.1 }
        result.series["kl_history_iteration"] = run.klHistory.map { Double($0.0) }
        return TSNEModel(parameters: parameters, trainingData: data, embedding: y, result: result)
    }

    /// Checks the input and returns the perplexity to use: the parameter, lowered (with a
    /// warning) when 3·perplexity neighbours do not fit in the data.
    private func checkedPerplexity(_ data: Matrix, warnings: inout [String]) throws -> Double {
        let n = data.rows
        guard n >= 3 else { throw EmbeddingError.invalidInput("t-SNE needs at least 3 points, got \(n)") }
        guard data.cols >= 1 else { throw EmbeddingError.invalidInput("t-SNE needs at least one input column") }
        if let bad = data.firstNonFinite() {
            throw EmbeddingError.invalidInput("t-SNE input contains \(bad.value) at row \(bad.row), column \(bad.col); remove or impute non-finite values")
        }
        let perplexity = parameters.perplexity
        guard perplexity > 0 && perplexity < Double(n - 1) else {
            throw EmbeddingError.invalidParameter(algorithm: Self.name, name: "perplexity", value: ParameterValue.number(perplexity).description,
                                                  allowed: "a number in (0, n − 1) = (0, \(n - 1)) for n = \(n) points")
        }
        if 3 * perplexity > Double(n - 1) {
            let lowered = Double(n - 1) / 3
            warnings.append("perplexity \(perplexity) is too large for \(n) points (3·perplexity must be ≤ n − 1); lowered to \(lowered)")
            return lowered
        }
        return perplexity
    }

    /// The kNN graph: the given one (checked; `k` lowered to the neighbours it has), or exact
    /// neighbours below `TSNEParameters.exactNeighborsBelow` points and NN-descent above (`nn_method`).
    private func neighborGraph(_ data: Matrix, given neighbors: KNNGraph?, k: inout Int, seed: UInt64,
                               warnings: inout [String]) throws -> KNNGraph {
        let n = data.rows
        if let g = neighbors {
            guard g.n == n else {
                throw EmbeddingError.invalidInput("kNN graph has \(g.n) points but the data has \(n) rows")
            }
            let available = g.k - (g.includesSelf ? 1 : 0)
            if available < k {
                warnings.append("kNN graph has \(available) neighbours per point, fewer than 3·perplexity = \(k); using \(available)")
                k = max(available, 1)
            }
            return g
        }
        do {
            if parameters.usesNNDescent(n: n) {
                return try NNDescent.build(data, k: k, includeSelf: false,
                                           seed: RandomStream.derive(seed: seed, purpose: "tsne.knn", index: 0),
                                           parameters: NNDescentParameters.forTSNE)
            }
            return try ExactKNN.search(data, k: k, metric: .euclidean, includeSelf: false)
        } catch let e as NeighborsError {
            throw EmbeddingError.invalidInput("t-SNE neighbours: \(e)")
        }
    }

    /// Starting positions (n × c, row-major): PCA scaled to std 1e-4, or N(0, 1e-4²) when asked
    /// for or when PCA is impossible (with a warning).
    private func initialPositions(_ data: Matrix, seed: UInt64, warnings: inout [String]) throws -> [Double] {
        let n = data.rows, c = parameters.nComponents
        guard parameters.pcaInitialization else { return tsneRandomInit(n: n, c: c, seed: seed) }
        if let pca = try tsnePCAInit(data, components: c) { return pca }
        warnings.append("PCA initialisation impossible (constant data or fewer input columns than n_components); using random initialisation")
        return tsneRandomInit(n: n, c: c, seed: seed)
    }

    /// What the two optimisation phases report.
    private struct OptimizationRun {
        var finalKL: Double
        var learningRateEarly: Double
        var learningRate: Double
        var klHistory: [(Int, Double)]
    }

    /// Early exaggeration (momentum 0.5) then the main phase (momentum 0.8), each timed as its
    /// own phase, then the final KL(P‖Q) (inside "optimize"). Throws if the KL is not finite.
    private func optimize(_ y: inout [Double], affinities p: TSNEAffinities, method: TSNEGradientMethod,
                          timer: inout PhaseTimer, progress: ProgressHandler?) throws -> OptimizationRun {
        let n = p.n, c = parameters.nComponents
        let engine = TSNEGradientEngine(method: method, kernel: TSNEKernel(dof: parameters.dof), theta: parameters.theta,
                                        fft: TSNEFFTSettings(nInterpolationPoints: parameters.nInterpolationPoints,
                                                             minNumIntervals: parameters.minNumIntervals,
                                                             intsInInterval: parameters.intsInInterval))
        let pLogP = p.entropyTerm
        var optimizer = TSNEOptimizer(count: n * c)
        let lrEarly = parameters.learningRate ?? Double(n) / parameters.earlyExaggeration
        let lrMain = parameters.learningRate ?? Double(n) / parameters.exaggeration
        let params = parameters
        var finalKL = Double.nan
        // Hundreds of iterations of a few short passes each: one team of threads serves them all.
        try Parallel.withWorkerTeam {
        try timer.measure("early_exaggeration") {
            try optimizer.run(y: &y, n: n, c: c, iterations: params.earlyExaggerationIter, learningRate: lrEarly,
                              momentum: 0.5, minGain: params.minGain, maxGradNorm: params.maxGradNorm,
                              maxStepNorm: params.maxStepNorm, recenter: true, phase: "early_exaggeration",
                              progress: progress) { yy, evalKL, g in
                engine.gradient(p: p, pLogP: pLogP, y: yy, c: c, exaggeration: params.earlyExaggeration,
                                evaluateKL: evalKL, into: &g)
            }
        }
        try timer.measure("optimize") {
            try optimizer.run(y: &y, n: n, c: c, iterations: params.nIter, learningRate: lrMain,
                              momentum: 0.8, minGain: params.minGain, maxGradNorm: params.maxGradNorm,
                              maxStepNorm: params.maxStepNorm, recenter: true, phase: "optimize",
                              progress: progress) { yy, evalKL, g in
                engine.gradient(p: p, pLogP: pLogP, y: yy, c: c, exaggeration: params.exaggeration,
                                evaluateKL: evalKL, into: &g)
            }
            var g = [Double](repeating: 0, count: n * c)
            finalKL = engine.gradient(p: p, pLogP: pLogP, y: y, c: c, exaggeration: 1, evaluateKL: true, into: &g)
        }
        }
        guard finalKL.isFinite else {
            throw EmbeddingError.numerical("t-SNE produced a non-finite KL divergence (\(finalKL)); lower the learning rate or set max_grad_norm")
        }
        return OptimizationRun(finalKL: finalKL, learningRateEarly: lrEarly, learningRate: lrMain,
                               klHistory: optimizer.klHistory)
    }
}

/// N(0, (1e-4)²) initial positions (openTSNE's "random"), from the stream (seed, "tsne.init").
func tsneRandomInit(n: Int, c: Int, seed: UInt64) -> [Double] {
    var rng = RandomStream(seed: seed, purpose: "tsne.init")
    return (0 ..< n * c).map { _ in 1e-4 * rng.nextGaussian() }
}

/// PCA initialisation (openTSNE's "pca"): the projection on the top `components` principal axes,
/// scaled so that the first column has standard deviation 1e-4. Returns nil when impossible
/// (fewer input columns than components, or zero variance).
func tsnePCAInit(_ data: Matrix, components c: Int) throws -> [Double]? {
    let n = data.rows
    let projection: [Double]?
    do { projection = try PCA.initialProjection(data, components: c) } catch {
        throw EmbeddingError.numerical("t-SNE PCA initialisation: eigen-decomposition failed (\(error))")
    }
    guard let y = projection else { return nil }
    var mean = 0.0, sq = 0.0
    for i in 0..<n { mean += y[i * c] }
    mean /= Double(n)
    for i in 0..<n { sq += (y[i * c] - mean) * (y[i * c] - mean) }
    let std = (sq / Double(n)).squareRoot()
    guard std > 0 && std.isFinite else { return nil }
    let scale = 1e-4 / std
    return y.map { $0 * scale }
}
