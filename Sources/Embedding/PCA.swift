import Linalg

/// Principal component analysis.
///
/// Two solvers, chosen by `solver` (default `auto`):
/// - `covariance`: the d × d covariance accumulated in chunks of rows through
///   single-precision BLAS (each chunk's Gram matrix added in `Double`, in chunk
///   order), then the largest eigenpairs by LAPACK `dsyevr`. O(n d²); best when
///   d is moderate (auto picks it for d ≤ 2 000).
/// - `randomized`: Halko–Martinsson–Tropp randomized range finder with power
///   iterations, for wide data. O(n d c).
///
/// Component signs are fixed (largest-magnitude loading positive), so the
/// output is deterministic. Parameters and defaults: `PCA.Parameter`.
public struct PCA: EmbeddingAlgorithm {
    public static let name = "pca"
    public static let implementationVersion = 2

    /// Every parameter, declared once.
    public enum Parameter {
        public static let nComponents = IntParameter("n_components", default: 2, range: 1...100_000,
                                                     "number of principal components kept")
        public static let solver = ChoiceParameter<PCASolver>("solver", default: .auto,
                                                             "auto: covariance up to 2 000 columns, randomized above")
        public static let whiten = FlagParameter("whiten", default: false, "scale each component to unit variance")
        public static let powerIterations = IntParameter("power_iterations", default: 4, range: 0...50,
                                                         "power iterations of the randomized solver")
        public static let oversamples = IntParameter("oversamples", default: 10, range: 0...1000,
                                                     "extra random directions of the randomized solver")
    }

    public static let parameterDocs: [ParameterDoc] = [
        Parameter.nComponents.doc, Parameter.solver.doc, Parameter.whiten.doc, Parameter.powerIterations.doc,
        Parameter.oversamples.doc,
    ]

    public var nComponents: Int
    public var solver: PCASolver
    public var whiten: Bool
    public var powerIterations: Int
    public var oversamples: Int

    public init(nComponents: Int = Parameter.nComponents.defaultValue, solver: PCASolver = Parameter.solver.defaultValue,
                whiten: Bool = Parameter.whiten.defaultValue, powerIterations: Int = Parameter.powerIterations.defaultValue,
                oversamples: Int = Parameter.oversamples.defaultValue) {
        self.nComponents = nComponents
        self.solver = solver
        self.whiten = whiten
        self.powerIterations = powerIterations
        self.oversamples = oversamples
    }

    public init(parameters: Parameters) throws {
        let r = try ParameterReader(algorithm: PCA.name, parameters: parameters, docs: PCA.parameterDocs)
        self.init(nComponents: try r.value(Parameter.nComponents), solver: try r.value(Parameter.solver),
                  whiten: try r.value(Parameter.whiten), powerIterations: try r.value(Parameter.powerIterations),
                  oversamples: try r.value(Parameter.oversamples))
    }

    public func fit(_ data: Matrix, labels: [Int]?, seed: UInt64, progress: ProgressHandler?) throws -> EmbeddingResult {
        try fitAndProject(data, seed: seed).result
    }

    /// Fits the axes and projects `data` onto them, keeping the model (for `fitTransform`).
    func fitAndProject(_ data: Matrix, seed: UInt64) throws -> (model: PCAModel, result: EmbeddingResult) {
        var timer = PhaseTimer()
        let model = try timer.measure("fit") { try fitModel(data, seed: seed) }
        let embedding = try timer.measure("transform") { try model.transform(data) }
        var diagnostics: [String: Double] = ["total_variance": model.totalVariance]
        for (i, ratio) in model.explainedVarianceRatio.enumerated() {
            diagnostics["explained_variance_ratio_\(i + 1)"] = ratio
        }
        diagnostics["explained_variance_ratio_sum"] = model.explainedVarianceRatio.reduce(0, +)
        return (model, EmbeddingResult(embedding: embedding, phases: timer.phases, diagnostics: diagnostics,
                                       series: ["explained_variance": model.explainedVariance]))
    }

    /// Fits the principal axes of the n × d `data`.
    public func fitModel(_ data: Matrix, seed: UInt64) throws -> PCAModel {
        let n = data.rows, d = data.cols
        guard n >= 2, d >= 1 else {
            throw EmbeddingError.invalidInput("PCA needs at least 2 points with at least 1 feature, got \(n) × \(d)")
        }
        guard nComponents <= min(n, d) else {
            throw EmbeddingError.invalidParameter(algorithm: PCA.name, name: "n_components", value: String(nComponents),
                                                  allowed: "at most min(n, d) = \(min(n, d))")
        }
        if let bad = data.firstNonFinite() {
            throw EmbeddingError.invalidInput("PCA input has a non-finite value (\(bad.value)) at row \(bad.row), column \(bad.col)")
        }
        let mean = data.columnMeans()
        let useRandomized = solver == .randomized || (solver == .auto && d > 2_000 && nComponents < d / 4)
        if useRandomized {
            return try RandomizedPCASolver(nComponents: nComponents, powerIterations: powerIterations,
                                           oversamples: oversamples).fit(data, mean: mean, seed: seed, whiten: whiten)
        }
        let covariance = CovarianceAccumulator.covariance(of: data, mean: mean)
        let eigen = try SymmetricEigen(symmetric: covariance.values, n: d, largest: nComponents)
        return PCAModel(mean: mean, components: eigen.vectors, nComponents: nComponents,
                        explainedVariance: eigen.values.map { max($0, 0) },
                        totalVariance: covariance.trace, whiten: whiten)
    }
}

extension PCA {
    /// The projection t-SNE's and UMAP's PCA initialisations start from: the centred n × d
    /// `data` projected on its top `components` principal axes, n × components, row-major,
    /// in `Double`. Nil when d < components or the decomposition yields fewer axes.
    ///
    /// The axes are the eigenvectors of the Gram matrix of the whole centred data (one
    /// single-precision BLAS `ssyrk`, no chunking) and the projection is summed in `Double`.
    /// `fitModel` accumulates the covariance chunk by chunk instead, so its projection can
    /// differ in the last bits; this one is kept as it is so that initialisations, and the
    /// stored t-SNE and UMAP results, stay bit for bit what they were. Data with more than
    /// `centredCopyLimit` values is not copied: its axes come from `fitModel`'s chunked
    /// covariance (the same axes up to float rounding), and every size is projected from the
    /// data itself, centring each value as it is read.
    /// - Throws: `LinalgError` when LAPACK fails.
    public static func initialProjection(_ data: Matrix, components c: Int,
                                         centredCopyLimit: Int = PCA.centredCopyLimit) throws -> [Double]? {
        let n = data.rows, d = data.cols
        guard d >= c else { return nil }
        let means = data.columnMeans()
        let meansF = means.map { Float($0) }
        let eigen: SymmetricEigen
        if n * d <= centredCopyLimit {
            var centered = data.storage
            for i in 0..<n { for j in 0..<d { centered[i * d + j] -= meansF[j] } }
            var gram = [Float](repeating: 0, count: d * d)
            centered.withUnsafeBufferPointer { a in
                gram.withUnsafeMutableBufferPointer { g in BLAS.gram(a.baseAddress!, rows: n, cols: d, into: g.baseAddress!) }
            }
            eigen = try SymmetricEigen(symmetric: gram.map { Double($0) }, n: d, largest: c)
        } else {
            eigen = try SymmetricEigen(symmetric: CovarianceAccumulator.covariance(of: data, mean: means).values, n: d, largest: c)
        }
        guard eigen.values.count == c else { return nil }
        var y = [Double](repeating: 0, count: n * c)
        data.storage.withUnsafeBufferPointer { xb in
            let x = xb.baseAddress!
            for i in 0..<n {
                for r in 0..<c {
                    var s = 0.0
                    for j in 0..<d { s += Double(x[i * d + j] - meansF[j]) * eigen.vectors[r * d + j] }
                    y[i * c + r] = s
                }
            }
        }
        return y
    }

    /// Most values (n · d) that `initialProjection` copies to centre: 2²⁸ (1 GiB of Float), the
    /// size above which NN-descent also stops copying (`NNDescentParameters.localityCopyLimit`).
    public static let centredCopyLimit = 1 << 28
}

/// How `PCA` finds the principal axes.
public enum PCASolver: String, Sendable, CaseIterable {
    /// Covariance when d ≤ 2 000 (or n_components ≥ d / 4), randomized otherwise.
    case auto
    /// Chunked covariance and LAPACK `dsyevr`, O(n d²).
    case covariance
    /// Randomized range finder with power iterations, O(n d c).
    case randomized
}

/// A fitted PCA: the mean and the principal axes, able to project new data.
public struct PCAModel: Sendable {
    /// Column means of the training data (d).
    public let mean: [Double]
    /// Principal axes as rows, c × d, unit length, descending variance.
    public let components: [Double]
    /// Number of components c.
    public let nComponents: Int
    /// Variance along each axis (c), with the n − 1 denominator as scikit-learn.
    public let explainedVariance: [Double]
    /// Total variance of the data (trace of the covariance).
    public let totalVariance: Double
    /// Whether `transform` scales each component to unit variance.
    public let whiten: Bool

    /// Fraction of the total variance along each axis.
    public var explainedVarianceRatio: [Double] {
        explainedVariance.map { totalVariance > 0 ? $0 / totalVariance : 0 }
    }

    /// Projects the m × d `data` onto the axes: (data − mean) · componentsᵀ, m × c.
    public func transform(_ data: Matrix) throws -> Matrix {
        let d = mean.count, c = nComponents
        guard data.cols == d else {
            throw EmbeddingError.invalidInput("PCA model expects \(d) features, got \(data.cols)")
        }
        var axes = [Float](repeating: 0, count: c * d)
        for k in 0..<c {
            let scale = whiten ? 1 / max(explainedVariance[k], 1e-300).squareRoot() : 1
            for j in 0..<d { axes[k * d + j] = Float(components[k * d + j] * scale) }
        }
        let meanF = mean.map { Float($0) }
        var out = Matrix(rows: data.rows, cols: c)
        let chunk = 2_048
        data.storage.withUnsafeBufferPointer { x in
            axes.withUnsafeBufferPointer { v in
                out.storage.withUnsafeMutableBufferPointer { y in
                    let px = x.baseAddress!, pv = v.baseAddress!, py = y.baseAddress!
                    Parallel.forEachChunk(count: data.rows, chunkSize: chunk) { _, range in
                        var block = [Float](repeating: 0, count: range.count * d)
                        block.withUnsafeMutableBufferPointer { b in
                            CenteredBlock.fill(b.baseAddress!, from: px, rows: range, d: d, mean: meanF)
                            BLAS.sgemm(m: range.count, n: c, k: d, a: b.baseAddress!, lda: d,
                                       b: pv, ldb: d, transposeB: true, c: py + range.lowerBound * c, ldc: c)
                        }
                    }
                }
            }
        }
        return out
    }
}

/// Copies rows of a matrix minus the column mean into a contiguous block.
enum CenteredBlock {
    static func fill(_ block: UnsafeMutablePointer<Float>, from x: UnsafePointer<Float>, rows: Range<Int>,
                     d: Int, mean: [Float]) {
        mean.withUnsafeBufferPointer { m in
            for (r, i) in rows.enumerated() {
                let src = x + i * d, dst = block + r * d
                for j in 0..<d { dst[j] = src[j] - m[j] }
            }
        }
    }
}

/// The covariance of a matrix, accumulated chunk by chunk.
enum CovarianceAccumulator {
    /// Rows per chunk: fixed, so the summation order never depends on the thread count.
    static let rowsPerChunk = 4_096

    /// Covariance (d × d, row-major, n − 1 denominator) and its trace.
    static func covariance(of data: Matrix, mean: [Double]) -> (values: [Double], trace: Double) {
        let n = data.rows, d = data.cols
        let meanF = mean.map { Float($0) }
        let partials: [[Float]] = data.storage.withUnsafeBufferPointer { x in
            let px = x.baseAddress!
            return Parallel.mapChunks(count: n, chunkSize: rowsPerChunk) { _, range -> [Float] in
                var block = [Float](repeating: 0, count: range.count * d)
                var gram = [Float](repeating: 0, count: d * d)
                block.withUnsafeMutableBufferPointer { b in
                    CenteredBlock.fill(b.baseAddress!, from: px, rows: range, d: d, mean: meanF)
                    gram.withUnsafeMutableBufferPointer { g in
                        BLAS.gram(b.baseAddress!, rows: range.count, cols: d, into: g.baseAddress!)
                    }
                }
                return gram
            }
        }
        var total = [Double](repeating: 0, count: d * d)
        for part in partials {
            for k in 0..<(d * d) { total[k] += Double(part[k]) }
        }
        let scale = 1 / Double(n - 1)
        var trace = 0.0
        for k in 0..<(d * d) { total[k] *= scale }
        for j in 0..<d { trace += total[j * d + j] }
        return (total, trace)
    }
}
