import Linalg

/// densMAP (Narayan, Berger & Cho 2021): UMAP whose layout also preserves each point's local
/// radius, as umap-learn's `UMAP(densmap=True)` with its defaults (dens_lambda 2, dens_frac 0.3,
/// dens_var_shift 0.1, 200 epochs more than UMAP: 700 up to 10 000 points, 400 above).
///
/// Everything but the density term is `UMAP`'s (its kNN graph, fuzzy set, spectral
/// initialisation and deterministic SGD, with the same seeds): the term is `UMAPDensity`,
/// added to UMAP's attractive steps in the last dens_frac of the epochs (`UMAPLayout.density`).
/// With dens_lambda 0 the output is UMAP's with the same n_epochs, bit for bit.
///
/// Records the input and output log local radii (series "radius_input", "radius_output", over
/// the layout graph's edges as the objective measures them: memberships in the input, φ in the
/// output) and their Pearson correlation (diagnostic "radius_correlation"); the quality
/// measure `radius-correlation@k` compares the radii of any embedding with its data.
///
/// Departures from umap-learn: those of `UMAP` (`UMAPLayout`'s header) and of `UMAPDensity`;
/// input radii use the kNN distances of the search UMAP chose (exact below 4 096 points, as
/// umap-learn's small-data path, NN-descent above); dens_frac·n_epochs < 1 (umap-learn's rule
/// then gives the term the last epoch only) adds a warning; constant input radii give a
/// warning and plain UMAP instead of NaN. No `transform`
/// (umap-learn has none for densMAP either). Parameters and defaults: `DensMAP.Parameter`
/// and UMAP's.
public struct DensMAP: EmbeddingAlgorithm {
    public static let name = "densmap"
    public static let implementationVersion = 1

    /// densMAP's own parameters (the others are UMAP's, `UMAP.Parameter`).
    public enum Parameter {
        public static let nEpochs = OptionalIntParameter("n_epochs", range: 1...100_000,
                                                         "SGD epochs (auto: 700 up to 10 000 points, 400 above: UMAP's + 200)")
        public static let densLambda = RealParameter("dens_lambda", default: 2, range: 0...1e6,
                                                     "weight λ of the density-correlation term (0 = UMAP)")
        public static let densFrac = RealParameter("dens_frac", default: 0.3, range: 0...1,
                                                   "fraction of the epochs, at the end, that include the density term")
        public static let densVarShift = RealParameter("dens_var_shift", default: 0.1, range: 0...1e6,
                                                       "added to the variance of the output log radii (stabilises the correlation)")
    }

    /// UMAP's parameters that densMAP takes (not the supervised ones), then its own.
    public static let parameterDocs: [ParameterDoc] = {
        let u = UMAP.Parameter.self
        return [u.nNeighbors.doc, u.nComponents.doc, u.metric.doc, u.metricP.doc, u.minDist.doc, u.spread.doc,
                u.setOpMixRatio.doc, u.localConnectivity.doc, u.repulsionStrength.doc, u.negativeSampleRate.doc,
                u.learningRate.doc, Parameter.nEpochs.doc, u.initialization.doc, u.a.doc, u.b.doc, u.nnMethod.doc,
                u.deterministic.doc, u.recallQueries.doc,
                Parameter.densLambda.doc, Parameter.densFrac.doc, Parameter.densVarShift.doc]
    }()

    /// The UMAP it runs (its n_epochs is set per fit).
    public var umap: UMAP
    public var nEpochs: Int?
    public var densLambda: Double
    public var densFrac: Double
    public var densVarShift: Double

    public init(parameters: Parameters = [:]) throws {
        let r = try ParameterReader(algorithm: DensMAP.name, parameters: parameters, docs: DensMAP.parameterDocs)
        nEpochs = try r.value(Parameter.nEpochs)
        densLambda = try r.value(Parameter.densLambda)
        densFrac = try r.value(Parameter.densFrac)
        densVarShift = try r.value(Parameter.densVarShift)
        var rest = parameters
        for own in [Parameter.nEpochs.name, Parameter.densLambda.name, Parameter.densFrac.name, Parameter.densVarShift.name] {
            rest[own] = nil
        }
        umap = try UMAP(parameters: rest, algorithm: DensMAP.name, docs: DensMAP.parameterDocs)
    }

    /// Epochs for n points: n_epochs, or 700 up to 10 000 points and 400 above.
    public func epochs(for n: Int) -> Int { nEpochs ?? (n <= 10_000 ? 700 : 400) }

    public func fit(_ data: Matrix, labels: [Int]?, seed: UInt64, progress: ProgressHandler?) throws -> EmbeddingResult {
        let epochs = epochs(for: data.rows)
        var u = umap
        u.nEpochs = epochs
        var warnings: [String] = []
        if densLambda > 0 && densFrac > 0 {
            // umap-learn's rule always gives the last epoch the term; fewer than one epoch's worth
            // means that last epoch alone, at the smallest learning rate.
            let first = UMAPDensity.firstEpoch(epochs: epochs, frac: densFrac)
            if densFrac * Double(epochs) < 1 {
                warnings.append("densmap: dens_frac \(densFrac) of \(epochs) epochs is less than one epoch; the density term "
                                + "runs in the last \(epochs - first) epoch(s) only, at learning rate ≤ learning_rate/n_epochs·\(epochs - first), "
                                + "so the result is close to plain UMAP; raise n_epochs or dens_frac")
            }
            u.density = UMAP.DensitySettings(lambda: densLambda, frac: densFrac, varShift: densVarShift)
        }
        var result = try u.fitModel(data, seed: seed, progress: progress).1
        result.warnings = warnings + result.warnings
        return result
    }
}
