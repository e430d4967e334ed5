/// How the repulsive (negative) part of the t-SNE gradient is computed.
public enum TSNEGradientMethod: String, Sendable, CaseIterable {
    /// O(n²) sum over all pairs (small n; the ground truth in tests).
    case exact
    /// Barnes–Hut approximation on a quad-tree (2-D) or oct-tree (3-D), O(n log n).
    case barnesHut = "bh"
    /// FIt-SNE's interpolation on an equispaced grid with FFT convolution, O(n) (2-D only).
    case fft
}

/// Validated t-SNE parameters. Defaults follow openTSNE 1.0.4.
public struct TSNEParameters: Sendable, Equatable {
    /// Output dimension, 1...3 (default 2).
    public var nComponents = 2
    /// Perplexity of the conditional distributions P(·|i) (default 30). Uses 3·perplexity neighbours.
    public var perplexity = 30.0
    /// Factor applied to P during the early phase (default 12).
    public var earlyExaggeration = 12.0
    /// Iterations of the early-exaggeration phase, momentum 0.5 (default 250).
    public var earlyExaggerationIter = 250
    /// Iterations of the main phase, momentum 0.8 (default 500).
    public var nIter = 500
    /// Learning rate; nil = "auto": n / exaggeration of the phase (openTSNE's rule).
    public var learningRate: Double? = nil
    /// Barnes–Hut opening angle (default 0.5; 0 = exact).
    public var theta = 0.5
    /// "auto" (nil) picks Barnes–Hut below 10 000 points and FFT from 10 000 on (openTSNE's rule).
    public var method: TSNEGradientMethod? = nil
    /// Initialisation: PCA scaled to std 1e-4 in the first column (true, default) or N(0, 1e-4²).
    public var pcaInitialization = true
    /// Degrees of freedom α of the kernel w = (1 + d²/α)^(−α) (default 1 = Cauchy; < 1 gives heavier tails).
    public var dof = 1.0
    /// Per-point gradient norm clip (default none).
    public var maxGradNorm: Double? = nil
    /// Per-point step norm clip (openTSNE's max_step_norm, default 5).
    public var maxStepNorm: Double? = 5
    /// Lagrange interpolation nodes per grid interval for FFT (default 3).
    public var nInterpolationPoints = 3
    /// Minimum number of grid intervals per dimension for FFT (default 50).
    public var minNumIntervals = 50
    /// Embedding units per grid interval for FFT (default 1).
    public var intsInInterval = 1.0
    /// Exaggeration of the main phase (default 1).
    public var exaggeration = 1.0
    /// Minimum gain of the delta-bar-delta scheme (default 0.01).
    public var minGain = 0.01
    /// Neighbour search: "auto" (exact below 4 096 points, NN-descent above, as openTSNE
    /// switches to approximate neighbours for large n), "exact" or "nndescent".
    public var nnMethod = "auto"

    public init() {}

    /// The documented parameters, in the order `mbench` lists them.
    public static let docs: [ParameterDoc] = [
        ParameterDoc("n_components", "2", "output dimension (1-3); FFT supports 2 only (3 switches to bh)"),
        ParameterDoc("perplexity", "30", "effective neighbour count; 3·perplexity nearest neighbours are used"),
        ParameterDoc("early_exaggeration", "12", "P multiplier during the early phase"),
        ParameterDoc("early_exaggeration_iter", "250", "iterations of the early phase (momentum 0.5)"),
        ParameterDoc("n_iter", "500", "iterations of the main phase (momentum 0.8)"),
        ParameterDoc("learning_rate", "auto", "auto (= n / exaggeration, openTSNE) or a positive number"),
        ParameterDoc("theta", "0.5", "Barnes-Hut opening angle (0 = exact)"),
        ParameterDoc("negative_gradient_method", "auto", "auto (bh below 10000 points, else fft) | exact | bh | fft"),
        ParameterDoc("initialization", "pca", "pca (scaled to std 1e-4) | random (N(0, 1e-4))"),
        ParameterDoc("dof", "1", "degrees of freedom of the Student-t kernel (< 1: heavier tails)"),
        ParameterDoc("max_grad_norm", "none", "clip each point's gradient to this norm"),
        ParameterDoc("max_step_norm", "5", "clip each point's step to this norm"),
        ParameterDoc("n_interpolation_points", "3", "FFT: Lagrange nodes per interval"),
        ParameterDoc("min_num_intervals", "50", "FFT: minimum intervals per dimension"),
        ParameterDoc("ints_in_interval", "1", "FFT: embedding units per interval"),
        ParameterDoc("exaggeration", "1", "P multiplier during the main phase"),
        ParameterDoc("nn_method", "auto", "auto (exact below 4096 points, NN-descent above) | exact | nndescent"),
    ]

    /// Reads and validates `parameters` (unknown names and bad values throw `EmbeddingError`).
    public init(parameters: Parameters) throws {
        let r = try ParameterReader(algorithm: "tsne", parameters: parameters, docs: Self.docs)
        nComponents = try r.int("n_components", default: 2, range: 1...3)
        perplexity = try r.positiveDouble("perplexity", default: 30)
        earlyExaggeration = try r.positiveDouble("early_exaggeration", default: 12)
        earlyExaggerationIter = try r.int("early_exaggeration_iter", default: 250, range: 0...1_000_000)
        nIter = try r.int("n_iter", default: 500, range: 0...1_000_000)
        switch r.raw("learning_rate") {
        case nil, .text("auto")?: learningRate = nil
        case .number(let x)? where x.isFinite && x > 0: learningRate = x
        case let v?:
            throw EmbeddingError.invalidParameter(algorithm: "tsne", name: "learning_rate", value: v.description,
                                                  allowed: "auto or a positive number")
        }
        theta = try r.double("theta", default: 0.5, range: 0...10)
        let m = try r.choice("negative_gradient_method", default: "auto", among: ["auto", "exact", "bh", "fft"])
        method = m == "auto" ? nil : TSNEGradientMethod(rawValue: m)
        pcaInitialization = try r.choice("initialization", default: "pca", among: ["pca", "random"]) == "pca"
        dof = try r.positiveDouble("dof", default: 1)
        if r.raw("max_grad_norm") != nil, r.raw("max_grad_norm") != .text("none") {
            maxGradNorm = try r.positiveDouble("max_grad_norm", default: 1)
        }
        if r.raw("max_step_norm") == .text("none") { maxStepNorm = nil } else {
            maxStepNorm = try r.positiveDouble("max_step_norm", default: 5)
        }
        nInterpolationPoints = try r.int("n_interpolation_points", default: 3, range: 1...10)
        minNumIntervals = try r.int("min_num_intervals", default: 50, range: 1...10_000)
        intsInInterval = try r.positiveDouble("ints_in_interval", default: 1)
        exaggeration = try r.positiveDouble("exaggeration", default: 1)
        nnMethod = try r.choice("nn_method", default: "auto", among: ["auto", "exact", "nndescent"])
    }

    /// Whether the neighbours of `n` points come from NN-descent.
    public func usesNNDescent(n: Int) -> Bool {
        nnMethod == "nndescent" || (nnMethod == "auto" && n >= 4_096)
    }

    /// The gradient method used for `n` points ("auto" resolved; FFT with ≠ 2 components becomes BH).
    public func resolvedMethod(n: Int) -> TSNEGradientMethod {
        let m = method ?? (n < 10_000 ? .barnesHut : .fft)
        if m == .fft && nComponents != 2 { return .barnesHut }
        return m
    }
}
