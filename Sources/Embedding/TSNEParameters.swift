/// How the repulsive (negative) part of the t-SNE gradient is computed.
public enum TSNEGradientMethod: String, Sendable, CaseIterable {
    /// O(n²) sum over all pairs (small n; the ground truth in tests).
    case exact
    /// Barnes–Hut approximation on a quad-tree (2-D) or oct-tree (3-D), O(n log n).
    case barnesHut = "bh"
    /// FIt-SNE's interpolation on an equispaced grid with FFT convolution, O(n) (2-D only).
    case fft
    /// O(n²) sum over all pairs in single precision, eight pairs per SIMD step (2-D, dof = 1 only;
    /// `TSNEPairwiseRepulsion`): the fastest method below a few thousand points.
    case exact32
}

/// t-SNE's initial layout.
public enum TSNEInitialization: String, Sendable, CaseIterable {
    /// PCA scaled to standard deviation 1e-4 in the first column (openTSNE's "pca").
    case pca
    /// N(0, 1e-4²) (openTSNE's "random").
    case random
}

/// The gradient method as a spec names it: `auto` or one of `TSNEGradientMethod`.
public enum TSNEGradientChoice: String, Sendable, CaseIterable {
    case auto, exact, exact32, bh, fft

    /// The method, or nil for auto.
    var method: TSNEGradientMethod? { self == .auto ? nil : TSNEGradientMethod(rawValue: rawValue) }
}

/// Validated t-SNE parameters. Defaults follow openTSNE 1.0.4 and are declared once, in
/// `TSNEParameters.Parameter`.
public struct TSNEParameters: Sendable, Equatable {
    /// Every parameter, declared once, in the order `mbench` lists them.
    public enum Parameter {
        public static let nComponents = IntParameter("n_components", default: 2, range: 1...3,
                                                     "output dimension (1-3); FFT supports 2 only (3 switches to bh)")
        public static let perplexity = RealParameter("perplexity", default: 30,
                                                     "effective neighbour count; 3·perplexity nearest neighbours are used")
        public static let earlyExaggeration = RealParameter("early_exaggeration", default: 12, "P multiplier during the early phase")
        public static let earlyExaggerationIter = IntParameter("early_exaggeration_iter", default: 250, range: 0...1_000_000,
                                                               "iterations of the early phase (momentum 0.5)")
        public static let nIter = IntParameter("n_iter", default: 500, range: 0...1_000_000, "iterations of the main phase (momentum 0.8)")
        public static let learningRate = OptionalRealParameter("learning_rate", default: nil, word: "auto",
                                                               "auto (= n / exaggeration, openTSNE) or a positive number")
        public static let theta = RealParameter("theta", default: 0.5, range: 0...10, "Barnes-Hut opening angle (0 = exact)")
        public static let method = ChoiceParameter<TSNEGradientChoice>("negative_gradient_method", default: .auto,
                                                                       "auto = exact32 below 10000 points, else fft (2-D, dof 1); otherwise bh below 10000, else fft")
        public static let initialization = ChoiceParameter<TSNEInitialization>("initialization", default: .pca,
                                                                               "pca (scaled to std 1e-4) or random (N(0, 1e-4))")
        public static let dof = RealParameter("dof", default: 1, "degrees of freedom of the Student-t kernel (< 1: heavier tails)")
        public static let maxGradNorm = OptionalRealParameter("max_grad_norm", default: nil, word: "none",
                                                              "clip each point's gradient to this norm")
        public static let maxStepNorm = OptionalRealParameter("max_step_norm", default: 5, word: "none",
                                                              "clip each point's step to this norm")
        public static let nInterpolationPoints = IntParameter("n_interpolation_points", default: 3, range: 1...10,
                                                              "FFT: Lagrange nodes per interval")
        public static let minNumIntervals = IntParameter("min_num_intervals", default: 50, range: 1...2_400,
                                                         "FFT: minimum intervals per dimension")
        public static let intsInInterval = RealParameter("ints_in_interval", default: 1, "FFT: embedding units per interval")
        public static let exaggeration = RealParameter("exaggeration", default: 1, "P multiplier during the main phase")
        public static let nnMethod = ChoiceParameter<NeighborSearch>("nn_method", default: .auto,
                                                                     "auto = exact below 8192 points, NN-descent above")
    }

    /// Output dimension, 1...3.
    public var nComponents = Parameter.nComponents.defaultValue
    /// Perplexity of the conditional distributions P(·|i). Uses 3·perplexity neighbours.
    public var perplexity = Parameter.perplexity.defaultValue
    /// Factor applied to P during the early phase.
    public var earlyExaggeration = Parameter.earlyExaggeration.defaultValue
    /// Iterations of the early-exaggeration phase, momentum 0.5.
    public var earlyExaggerationIter = Parameter.earlyExaggerationIter.defaultValue
    /// Iterations of the main phase, momentum 0.8.
    public var nIter = Parameter.nIter.defaultValue
    /// Learning rate; nil = "auto": n / exaggeration of the phase (openTSNE's rule).
    public var learningRate: Double? = Parameter.learningRate.defaultValue
    /// Barnes–Hut opening angle (0 = exact).
    public var theta = Parameter.theta.defaultValue
    /// "auto" (nil) picks Barnes–Hut below 10 000 points and FFT from 10 000 on (openTSNE's rule).
    public var method: TSNEGradientMethod? = Parameter.method.defaultValue.method
    /// Initialisation: PCA scaled to std 1e-4 in the first column (true) or N(0, 1e-4²).
    public var pcaInitialization = Parameter.initialization.defaultValue == .pca
    /// Degrees of freedom α of the kernel w = (1 + d²/α)^(−α) (1 = Cauchy; < 1 gives heavier tails).
    public var dof = Parameter.dof.defaultValue
    /// Per-point gradient norm clip (nil = none).
    public var maxGradNorm: Double? = Parameter.maxGradNorm.defaultValue
    /// Per-point step norm clip (openTSNE's max_step_norm).
    public var maxStepNorm: Double? = Parameter.maxStepNorm.defaultValue
    /// Lagrange interpolation nodes per grid interval for FFT.
    public var nInterpolationPoints = Parameter.nInterpolationPoints.defaultValue
    /// Minimum number of grid intervals per dimension for FFT.
    public var minNumIntervals = Parameter.minNumIntervals.defaultValue
    /// Embedding units per grid interval for FFT.
    public var intsInInterval = Parameter.intsInInterval.defaultValue
    /// Exaggeration of the main phase.
    public var exaggeration = Parameter.exaggeration.defaultValue
    /// Minimum gain of the delta-bar-delta scheme (fixed, as in openTSNE).
    public var minGain = 0.01
    /// Neighbour search: auto (exact below 4 096 points, NN-descent above, as openTSNE
    /// switches to approximate neighbours for large n), exact or nndescent.
    public var nnMethod = Parameter.nnMethod.defaultValue

    public init() {}

    /// The documented parameters, in the order `mbench` lists them.
    public static let docs: [ParameterDoc] = [
        Parameter.nComponents.doc, Parameter.perplexity.doc, Parameter.earlyExaggeration.doc,
        Parameter.earlyExaggerationIter.doc, Parameter.nIter.doc, Parameter.learningRate.doc, Parameter.theta.doc,
        Parameter.method.doc, Parameter.initialization.doc, Parameter.dof.doc, Parameter.maxGradNorm.doc,
        Parameter.maxStepNorm.doc, Parameter.nInterpolationPoints.doc, Parameter.minNumIntervals.doc,
        Parameter.intsInInterval.doc, Parameter.exaggeration.doc, Parameter.nnMethod.doc,
    ]

    /// Reads and validates `parameters` (unknown names and bad values throw `EmbeddingError`).
    public init(parameters: Parameters) throws {
        let r = try ParameterReader(algorithm: "tsne", parameters: parameters, docs: Self.docs)
        nComponents = try r.value(Parameter.nComponents)
        perplexity = try r.value(Parameter.perplexity)
        earlyExaggeration = try r.value(Parameter.earlyExaggeration)
        earlyExaggerationIter = try r.value(Parameter.earlyExaggerationIter)
        nIter = try r.value(Parameter.nIter)
        learningRate = try r.value(Parameter.learningRate)
        theta = try r.value(Parameter.theta)
        method = try r.value(Parameter.method).method
        pcaInitialization = try r.value(Parameter.initialization) == .pca
        dof = try r.value(Parameter.dof)
        maxGradNorm = try r.value(Parameter.maxGradNorm)
        maxStepNorm = try r.value(Parameter.maxStepNorm)
        nInterpolationPoints = try r.value(Parameter.nInterpolationPoints)
        minNumIntervals = try r.value(Parameter.minNumIntervals)
        intsInInterval = try r.value(Parameter.intsInInterval)
        exaggeration = try r.value(Parameter.exaggeration)
        nnMethod = try r.value(Parameter.nnMethod)
        let minimumNodes = minNumIntervals * nInterpolationPoints
        guard minimumNodes <= TSNEFFTRepulsion.maxNodesPerDimension else {
            throw EmbeddingError.invalidParameter(
                algorithm: "tsne", name: "min_num_intervals", value: String(minNumIntervals),
                allowed: "min_num_intervals × n_interpolation_points ≤ \(TSNEFFTRepulsion.maxNodesPerDimension) "
                    + "(the FFT grid's nodes per dimension); with n_interpolation_points = \(nInterpolationPoints) "
                    + "at most \(TSNEFFTRepulsion.maxNodesPerDimension / nInterpolationPoints)")
        }
    }

    /// Whether the neighbours of `n` points come from NN-descent ("auto": from `exactNeighborsBelow`).
    public func usesNNDescent(n: Int) -> Bool { nnMethod.usesNNDescent(n: n, exactBelow: Self.exactNeighborsBelow) }

    /// Below this many points `auto` finds t-SNE's neighbours exactly (UMAP switches to NN-descent
    /// at 4 096). At t-SNE's k = 3·perplexity = 90 the exact search (tiled products) is faster than
    /// NN-descent up to about here: on 784-D Fashion-MNIST, 5 000 points took 0.66–0.76 s exact
    /// against 1.24–1.39 s, and 10 000 points 3.1 s against 2.6 s (issue 21, README "t-SNE and UMAP
    /// at small n"). Results up to 4 096 points and from here on are unchanged by this rule
    /// (`ImplementationFingerprints` marks only the tasks in between as changed).
    public static let exactNeighborsBelow = 8_192

    /// Below this many points `auto` uses the single-precision all-pairs sum (2-D, dof = 1), and
    /// from there the FFT gradient: where the two were measured to take equal time (issue 21,
    /// README "t-SNE and UMAP at small n").
    public static let pairwiseBelow = 10_000

    /// The gradient method used for `n` points. "auto": for 2-D embeddings with dof = 1, the
    /// all-pairs sum below `pairwiseBelow` points and FFT from there (Barnes–Hut is slower than
    /// one of them at every n, measured); otherwise openTSNE's rule, Barnes–Hut below 10 000 points
    /// and FFT from 10 000. FFT with ≠ 2 components becomes Barnes–Hut; exact32 outside 2-D with
    /// dof = 1 becomes exact.
    public func resolvedMethod(n: Int) -> TSNEGradientMethod {
        let pairwiseApplies = nComponents == 2 && dof == 1
        let automatic: TSNEGradientMethod = pairwiseApplies ? (n < Self.pairwiseBelow ? .exact32 : .fft)
                                                            : (n < 10_000 ? .barnesHut : .fft)
        let m = method ?? automatic
        if m == .fft && nComponents != 2 { return .barnesHut }
        if m == .exact32 && !pairwiseApplies { return .exact }
        return m
    }
}
